// The API benchmark in its own process: pnpm bench api [--json] [--built] [--seconds N].
// Starts the real server on a free loopback port with a temp data dir, then measures encode
// throughput (autocannon), upload/download of the 1.3 GB unpruned BERT-shaped checkpoint with the
// server's RSS, and encode on its 1%-pruned version. Each encode figure comes with its floor: the
// same load against a bare fastify server (floor-server.ts) in the same run, and the ratio of the two.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ensureBertCheckpoint } from './bert-checkpoint.js';
import { loadTest, type LoadResult } from './load-test.js';
import { toJson, toTable, type Measurement } from './report.js';
import { RssSampler, startFloorServer, startServer, type BenchServer } from './server-process.js';
import { download, uploadFolder } from './transfer.js';

const MB = 1e6;
const MIB = 1024 * 1024;

const { values } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    built: { type: 'boolean', default: false },
    seconds: { type: 'string', default: '10' },
  },
});
const seconds = Number(values.seconds);
const log = (line: string) => process.stderr.write(`bench api: ${line}\n`);

async function json<T>(response: Response): Promise<T> {
  const text = await response.text();
  if (!response.ok) throw new Error(`${response.status} ${response.url}: ${text}`);
  return JSON.parse(text) as T;
}

/** Deterministic inputs in [-1, 1): the values do not matter for throughput, only their count. */
function inputs(n: number, scale = 1): Float32Array {
  const x = new Float32Array(n);
  let s = 2463534242;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    x[i] = ((s >>> 0) / 2 ** 32 - 0.5) * 2 * scale;
  }
  return x;
}

/**
 * Runs the same load against the bare fastify floor right after ours and reports the floor and our
 * share of it: absolute req/s move between machines, the ratio is what our code controls.
 */
async function withFloor(
  name: string,
  ours: LoadResult,
  floorUrl: string,
  options: Omit<Parameters<typeof loadTest>[0], 'url'>,
  targetRatio: number,
): Promise<Measurement[]> {
  const floor = await loadTest({ ...options, url: floorUrl });
  if (floor.errors > 0) throw new Error(`floor ${floorUrl}: ${floor.errors} errors`);
  return [
    {
      name: `${name} floor (bare fastify)`,
      value: floor.requestsPerSecond,
      unit: 'req/s',
      note: `p50 ${floor.p50Ms} ms, p99 ${floor.p99Ms} ms, ${floor.requests} requests`,
    },
    {
      name: `${name} / floor`,
      value: ours.requestsPerSecond / floor.requestsPerSecond,
      unit: '×',
      target: { min: targetRatio },
      note: `ours p50 ${ours.p50Ms} ms / floor ${floor.p50Ms} ms; p99 ${ours.p99Ms} / ${floor.p99Ms} ms`,
    },
  ];
}

log('preparing the unpruned BERT-shaped checkpoint (generated once, then reused)…');
const checkpoint = ensureBertCheckpoint();
const dataDir = await mkdtemp(path.join(os.tmpdir(), 'gradiend-bench-api-'));
const server = await startServer({ dataDir, built: values.built });
let floorServer: BenchServer | undefined;
const results: Measurement[] = [];
try {
  floorServer = await startFloorServer();
  const api = `${server.url}/api`;

  const digits = await json<{ input_dim: number }>(await fetch(`${api}/models/digits-3-vs-8/versions/1`));
  const digitsBody = JSON.stringify({ inputs: [Array.from(inputs(digits.input_dim, 0.01))] });
  const digitsUrl = `${api}/models/digits-3-vs-8/versions/1/encode`;
  await json(
    await fetch(digitsUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: digitsBody,
    }),
  );
  log(`digits encode, JSON body (${digits.input_dim} dims), ${seconds} s, then its floor…`);
  const digitsLoad = { contentType: 'application/json', body: digitsBody, connections: 16, seconds };
  const d = await loadTest({ ...digitsLoad, url: digitsUrl });
  results.push(
    {
      name: 'digits encode (JSON)',
      value: d.requestsPerSecond,
      unit: 'req/s',
      target: { min: 3000 },
      note: `${d.requests} requests, ${d.errors} errors, 16 connections`,
    },
    { name: 'digits encode p99', value: d.p99Ms, unit: 'ms', note: `p50 ${d.p50Ms} ms` },
    ...(await withFloor('digits encode (JSON)', d, `${floorServer.url}/json`, digitsLoad, 0.6)),
  );

  log(`uploading ${checkpoint}…`);
  const files = ['config.json', 'model.safetensors'].map((f) => path.join(checkpoint, f));
  const rss = new RssSampler(server.pid);
  const up = await uploadFolder(`${api}/models/bert-base/versions`, files);
  const memory = rss.stop();
  if (up.status !== 201) throw new Error(`upload answered ${up.status}: ${up.body}`);
  results.push(
    {
      name: 'upload 1.3 GB checkpoint',
      value: up.bytes / MB / up.seconds,
      unit: 'MB/s',
      target: { min: 200 },
      note: `${(up.bytes / MB).toFixed(0)} MB in ${up.seconds.toFixed(1)} s, incl. validation and commit`,
    },
    {
      name: 'server RSS growth during upload',
      value: (memory.peak - memory.before) / MIB,
      unit: 'MiB',
      target: { max: 150 },
      note: `RSS ${(memory.before / MIB).toFixed(0)} → peak ${(memory.peak / MIB).toFixed(0)} MiB (sampled every 20 ms), VmHWM ${(memory.hwm / MIB).toFixed(0)} MiB`,
    },
  );

  log('downloading model.safetensors…');
  const down = await download(`${api}/models/bert-base/versions/1/files/model.safetensors`);
  if (down.status !== 200) throw new Error(`download answered ${down.status}`);
  results.push({
    name: 'download model.safetensors',
    value: down.bytes / MB / down.seconds,
    unit: 'MB/s',
    target: { min: 200 },
    note: `${(down.bytes / MB).toFixed(0)} MB in ${down.seconds.toFixed(1)} s`,
  });

  log('pruning top-k 1% through the API…');
  const pruneStarted = performance.now();
  const pruned = await json<{ name: string; version: number; input_dim: number }>(
    await fetch(`${api}/models/bert-base/versions/1/prune`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ topk: '1%', target: 'bert-base-pruned' }),
    }),
  );
  results.push({
    name: 'prune top-k 1% (API)',
    value: (performance.now() - pruneStarted) / 1000,
    unit: 's',
    note: `${pruned.input_dim} dims kept`,
  });

  const prunedUrl = `${api}/models/${pruned.name}/versions/${pruned.version}/encode`;
  const raw = Buffer.from(inputs(pruned.input_dim).buffer);
  await json(
    await fetch(prunedUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: raw,
    }),
  );
  log(`pruned-BERT encode, raw f32 body (${(raw.length / MB).toFixed(2)} MB), ${seconds} s, then its floor…`);
  const prunedLoad = { contentType: 'application/octet-stream', body: raw, connections: 8, seconds };
  const b = await loadTest({ ...prunedLoad, url: prunedUrl });
  results.push(
    {
      name: 'pruned-BERT encode (f32)',
      value: b.requestsPerSecond,
      unit: 'req/s',
      target: { min: 150 },
      note: `${b.requests} requests, ${b.errors} errors, 8 connections, ${pruned.input_dim} dims`,
    },
    { name: 'pruned-BERT encode p99', value: b.p99Ms, unit: 'ms', note: `p50 ${b.p50Ms} ms` },
    ...(await withFloor('pruned-BERT encode (f32)', b, `${floorServer.url}/raw`, prunedLoad, 0.6)),
  );
} finally {
  await floorServer?.stop();
  await server.stop();
  await rm(dataDir, { recursive: true, force: true });
}

const context = {
  mode: values.built ? 'built' : 'tsx',
  seconds,
  cpus: os.cpus().length,
  node: process.version,
};
console.log(values.json ? toJson(results, context) : toTable(results));
