// pnpm bench prune [--json] [--built] [--runs N]: prune latency on the unpruned BERT-shaped model.
// Starts the real server on loopback with a temp data dir, uploads the 1.3 GB checkpoint, then
// times `POST …/prune {"topk":"1%"}` N times (each to its own target model, so every run writes,
// hashes and commits a new version) with the server's peak RSS.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ensureBertCheckpoint } from './bert-checkpoint.js';
import { toJson, toTable, type Measurement } from './report.js';
import { cpuSeconds, RssSampler, startServer } from './server-process.js';
import { uploadFolder } from './transfer.js';

const MIB = 1024 * 1024;
const GIB = 1024 * MIB;

const { values } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    built: { type: 'boolean', default: false },
    runs: { type: 'string', default: '3' },
  },
});
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs must be a positive integer');
const log = (line: string) => process.stderr.write(`bench prune: ${line}\n`);

log('preparing the unpruned BERT-shaped checkpoint (generated once, then reused)…');
const checkpoint = ensureBertCheckpoint();
const dataDir = await mkdtemp(path.join(os.tmpdir(), 'gradiend-bench-prune-'));
const server = await startServer({ dataDir, built: values.built, env: { GRADIEND_SEED_DEMO: 'off' } });
const results: Measurement[] = [];
try {
  const api = `${server.url}/api`;
  log(`uploading ${checkpoint}…`);
  const files = ['config.json', 'model.safetensors'].map((f) => path.join(checkpoint, f));
  const up = await uploadFolder(`${api}/models/bert-base/versions`, files);
  if (up.status !== 201) throw new Error(`upload answered ${up.status}: ${up.body}`);

  const rss = new RssSampler(server.pid);
  const seconds: number[] = [];
  const cpu: number[] = [];
  let kept = 0;
  for (let run = 1; run <= runs; run++) {
    const started = performance.now();
    const cpuBefore = cpuSeconds(server.pid);
    const response = await fetch(`${api}/models/bert-base/versions/1/prune`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ topk: '1%', target: `bert-base-pruned-${run}` }),
    });
    const text = await response.text();
    if (response.status !== 201) throw new Error(`prune answered ${response.status}: ${text}`);
    seconds.push((performance.now() - started) / 1000);
    cpu.push(cpuSeconds(server.pid) - cpuBefore);
    kept = (JSON.parse(text) as { input_dim: number }).input_dim;
    log(`run ${run}: ${seconds.at(-1)?.toFixed(2)} s, server CPU ${cpu.at(-1)?.toFixed(2)} s`);
  }
  const memory = rss.stop();
  const sorted = [...seconds].sort((a, b) => a - b);
  results.push(
    {
      name: 'prune top-k 1% (API, first)',
      value: seconds[0] ?? 0,
      unit: 's',
      target: { max: 3 },
      note: `${kept} dims kept; includes loading the source into a worker`,
    },
    {
      name: `prune top-k 1% (API, median of ${runs})`,
      value: sorted[Math.floor(sorted.length / 2)] ?? 0,
      unit: 's',
      target: { max: 3 },
      note: `all: ${seconds.map((s) => s.toFixed(2)).join(', ')} s`,
    },
    {
      // CPU time is what a prune costs the server; wall time also counts other load on the machine.
      name: `server CPU per prune (median of ${runs})`,
      value: [...cpu].sort((a, b) => a - b)[Math.floor(cpu.length / 2)] ?? 0,
      unit: 's',
      note: `all: ${cpu.map((s) => s.toFixed(2)).join(', ')} s (user + system, all threads)`,
    },
    {
      name: 'server peak RSS during prunes',
      value: memory.peak / GIB,
      unit: 'GiB',
      target: { max: 3 },
      note: `RSS ${(memory.before / MIB).toFixed(0)} MiB before, VmHWM ${(memory.hwm / MIB).toFixed(0)} MiB (includes the upload)`,
    },
  );
} finally {
  await server.stop();
  await rm(dataDir, { recursive: true, force: true });
}

const context = { mode: values.built ? 'built' : 'tsx', runs, cpus: os.cpus().length, node: process.version };
console.log(values.json ? toJson(results, context) : toTable(results));
