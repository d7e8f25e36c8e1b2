// The scale-out load test in its own process: pnpm bench scale [--json] [--seconds N].
// A fresh PostgreSQL database and an s3rver bucket on loopback, two API instances sharing them; the
// digits demo is uploaded through the first and must be visible through the second, then bounded
// autocannon loads hit both instances at once. Any error or non-2xx answer fails the run (exit 1).
import { readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { uploadFolder } from '../transfer.js';
import { startCluster } from './cluster.js';
import { clean, toJson, toTable, type ScenarioResult } from './scale-report.js';
import { splitLoad } from './split-load.js';
import { Teardown } from './teardown.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const sharedDir = process.env.GRADIEND_SHARED_DIR ?? path.resolve(repoRoot, '../shared');
const demoDir = path.join(sharedDir, 'demo', 'digits', 'gradiend-digits-3-vs-8');
const MODEL = 'digits-3-vs-8';
const CONNECTIONS = 16;

const { values } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    seconds: { type: 'string', default: '8' },
  },
});
const seconds = Number(values.seconds);
if (!Number.isInteger(seconds) || seconds < 1 || seconds > 300) {
  console.error(`--seconds must be a whole number from 1 to 300, got ${JSON.stringify(values.seconds)}`);
  process.exit(2);
}
const log = (line: string) => process.stderr.write(`bench scale: ${line}\n`);

const teardown = new Teardown();
async function abort(reason: string, code: number): Promise<never> {
  log(`${reason}; stopping the instances and dropping the database…`);
  for (const failure of await teardown.run()) log(`cleanup failed: ${failure}`);
  process.exit(code);
}
process.once('SIGINT', () => void abort('interrupted', 130));
process.once('SIGTERM', () => void abort('terminated', 143));
// Startup (at most 60 s per instance, in parallel), the upload and two loads, with slack.
const deadline = setTimeout(() => void abort('deadline exceeded', 1), (180 + 3 * seconds) * 1000);

interface VersionView {
  readonly input_dim: number;
  readonly files: readonly { readonly name: string; readonly sha256: string }[];
}

async function json<T>(response: Response): Promise<T> {
  const text = await response.text();
  if (!response.ok) throw new Error(`${response.status} ${response.url}: ${text}`);
  return JSON.parse(text) as T;
}

function fileDigest(view: VersionView): string {
  return view.files
    .map((f) => `${f.name}:${f.sha256}`)
    .sort()
    .join(',');
}

const scenarios: ScenarioResult[] = [];
let context: Record<string, unknown> = {};
try {
  // Read first: a missing demo should fail before anything is started.
  const files = readdirSync(demoDir)
    .sort()
    .map((f) => path.join(demoDir, f));
  const cluster = await startCluster(2, teardown, log);
  const bases = cluster.instances.map((p) => p.base);
  const [a, b] = bases;
  if (a === undefined || b === undefined) throw new Error('expected two instances');

  log(`uploading ${demoDir} through ${a}…`);
  const up = await uploadFolder(`${a}/api/models/${MODEL}/versions`, files);
  if (up.status !== 201) throw new Error(`upload through ${a} answered ${up.status}: ${up.body}`);
  const versionPath = `/api/models/${MODEL}/versions/1`;
  const viaA = await json<VersionView>(await fetch(`${a}${versionPath}`));
  const viaB = await json<VersionView>(await fetch(`${b}${versionPath}`));
  if (fileDigest(viaA) !== fileDigest(viaB))
    throw new Error(`instance B sees different files: ${fileDigest(viaB)} vs ${fileDigest(viaA)}`);
  log(`instance B sees ${MODEL} v1 with the same ${viaB.files.length} files (${viaB.input_dim} input dims)`);

  // Small values: throughput depends on the row length only.
  const encodeBody = JSON.stringify({
    inputs: [Array.from({ length: viaA.input_dim }, (_, i) => ((i % 17) - 8) / 1000)],
  });
  const encodePath = `${versionPath}/encode`;
  const jsonHeaders = { 'content-type': 'application/json' };
  for (const base of bases)
    await json(
      await fetch(`${base}${encodePath}`, { method: 'POST', headers: jsonHeaders, body: encodeBody }),
    );

  log(`reads: GET ${versionPath}, ${CONNECTIONS} connections over ${bases.length} instances, ${seconds} s…`);
  scenarios.push({
    name: 'reads',
    method: 'GET',
    path: versionPath,
    instances: await splitLoad({
      bases,
      path: versionPath,
      method: 'GET',
      connections: CONNECTIONS,
      seconds,
    }),
  });
  log(`encode: POST ${encodePath} (JSON, ${viaA.input_dim} dims), ${seconds} s…`);
  scenarios.push({
    name: 'encode',
    method: 'POST',
    path: encodePath,
    instances: await splitLoad({
      bases,
      path: encodePath,
      method: 'POST',
      headers: jsonHeaders,
      body: encodeBody,
      connections: CONNECTIONS,
      seconds,
    }),
  });
  context = {
    seconds,
    connections: CONNECTIONS,
    instances: bases,
    database: 'postgresql',
    blob_store: 's3rver',
    cpus: os.cpus().length,
    node: process.version,
  };
} catch (error) {
  log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
} finally {
  clearTimeout(deadline);
  log('stopping the instances, the s3rver and dropping the database…');
  const failures = await teardown.run();
  for (const failure of failures) log(`cleanup failed: ${failure}`);
  if (failures.length > 0) process.exitCode = 1;
}

if (scenarios.length > 0) console.log(values.json ? toJson(scenarios, context) : toTable(scenarios));
const dirty = scenarios.filter((s) => !clean(s));
if (dirty.length > 0) {
  log(`errors or non-2xx answers in: ${dirty.map((s) => s.name).join(', ')}`);
  process.exitCode = 1;
}
process.exit(process.exitCode ?? 0);
