// The API benchmark in its own process: pnpm bench api [--json] [--built] [--seconds N].
// Starts the real server on a free loopback port with a temp data dir, then measures encode
// throughput (autocannon), upload/download of the 1.3 GB unpruned BERT-shaped checkpoint with the
// server's RSS, and encode on its 1%-pruned version. Each encode figure comes with its floor: the
// same load against a bare fastify server (floor-server.ts) in the same run, and the ratio of the two;
// each starts once the server's background jobs (the analysis of the uploads) are done.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ensureBertCheckpoint } from './bert-checkpoint.js';
import { loadTest, type LoadResult } from './load-test.js';
import { toJson, toTable, type Measurement } from './report.js';
import { RssSampler, cpuSeconds, startFloorServer, startServer, type BenchServer } from './server-process.js';
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
 * Waits until the server runs no job (the background analysis of every upload and prune, seconds
 * at BERT size on all workers): an encode measured next to it would count the analysis's CPU as
 * ours and share the cores with it. Returns the seconds waited, for the note.
 */
async function untilIdle(api: string): Promise<number> {
  const started = performance.now();
  const deadline = started + 300_000;
  for (;;) {
    const busy = await Promise.all(
      ['queued', 'running'].map(async (state) => {
        const list = await json<{ items: unknown[] }>(await fetch(`${api}/jobs?state=${state}&limit=1`));
        return list.items.length > 0;
      }),
    );
    if (!busy.includes(true)) return (performance.now() - started) / 1000;
    if (performance.now() > deadline) throw new Error('jobs still running after 300 s');
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Ours and the floor alternate this many times, so that a load change on the machine hits both. */
const ROUNDS = 4;

function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/**
 * Measures our encode and the bare fastify floor with the same load, alternating in ROUNDS short
 * rounds (ours, floor, ours, floor, …): absolute req/s move between machines and with what else
 * runs, the ratio is what our code controls. Any non-2xx answer fails the benchmark: a figure that
 * counts refusals is no throughput.
 */
async function encodeWithFloor(
  name: string,
  load: Omit<Parameters<typeof loadTest>[0], 'url' | 'seconds'> & {
    url: string;
    floorUrl: string;
    oursPid: number;
    floorPid: number;
    /** Seconds waited for the server's jobs to finish before (untilIdle). */
    idleWaitS: number;
  },
  targets: { reqPerSecond: number; ratio: number },
): Promise<Measurement[]> {
  const rounds: { ours: LoadResult; floor: LoadResult; oursCpu: number; floorCpu: number }[] = [];
  const roundSeconds = Math.max(1, Math.round(seconds / ROUNDS));
  for (let r = 0; r < ROUNDS; r++) {
    // Server CPU seconds per request (all threads, ORT's included) next to req/s: on a busy machine
    // the wall-clock figures swing with the neighbours, the CPU each request costs much less.
    const oursCpuBefore = cpuSeconds(load.oursPid);
    const ours = await loadTest({ ...load, url: load.url, seconds: roundSeconds });
    const oursCpu = (cpuSeconds(load.oursPid) - oursCpuBefore) / Math.max(1, ours.requests);
    const floorCpuBefore = cpuSeconds(load.floorPid);
    const floor = await loadTest({ ...load, url: load.floorUrl, seconds: roundSeconds });
    const floorCpu = (cpuSeconds(load.floorPid) - floorCpuBefore) / Math.max(1, floor.requests);
    if (ours.errors > 0) throw new Error(`${name}: ${ours.errors} errors or non-2xx answers`);
    if (floor.errors > 0) throw new Error(`${name} floor: ${floor.errors} errors or non-2xx answers`);
    rounds.push({ ours, floor, oursCpu, floorCpu });
  }
  const ratios = rounds.map((x) => x.ours.requestsPerSecond / x.floor.requestsPerSecond);
  const cpuRatios = rounds.map((x) => x.floorCpu / x.oursCpu);
  const of = (pick: (x: (typeof rounds)[number]) => number) => median(rounds.map(pick));
  const fmt = (xs: readonly number[]) => xs.map((x) => x.toFixed(2)).join(' ');
  return [
    {
      name,
      value: of((x) => x.ours.requestsPerSecond),
      unit: 'req/s',
      target: { min: targets.reqPerSecond },
      note: `median of ${ROUNDS} × ${roundSeconds} s, ${load.connections} connections, after ${load.idleWaitS.toFixed(1)} s waiting for jobs; p50 ${of((x) => x.ours.p50Ms)} ms, p99 ${of((x) => x.ours.p99Ms)} ms`,
    },
    {
      name: `${name} floor (bare fastify)`,
      value: of((x) => x.floor.requestsPerSecond),
      unit: 'req/s',
      note: `alternating with ours; p50 ${of((x) => x.floor.p50Ms)} ms, p99 ${of((x) => x.floor.p99Ms)} ms`,
    },
    {
      name: `${name} / floor`,
      value: median(ratios),
      unit: '×',
      target: { min: targets.ratio },
      note: `median of the rounds' ratios: ${fmt(ratios)}`,
    },
    {
      name: `${name} server CPU per request / floor's`,
      value: median(cpuRatios),
      unit: '×',
      note: `floor's CPU per request ÷ ours: ${fmt(cpuRatios)}; ours ${(of((x) => x.oursCpu) * 1e6).toFixed(0)} µs, floor ${(of((x) => x.floorCpu) * 1e6).toFixed(0)} µs`,
    },
  ];
}

log('preparing the unpruned BERT-shaped checkpoint (generated once, then reused)…');
const checkpoint = ensureBertCheckpoint();
const dataDir = await mkdtemp(path.join(os.tmpdir(), 'gradiend-bench-api-'));
// One loopback client stands in for many: lift the per-client limits (rate limit and bodies in
// flight), which are there for hostile clients, not for throughput. The rate limiter still runs.
const server = await startServer({
  dataDir,
  built: values.built,
  env: { GRADIEND_RATE_LIMIT_COMPUTE: '10000000', GRADIEND_MAX_BODIES_PER_CLIENT: '64' },
});
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
  log(`digits encode, JSON body (${digits.input_dim} dims), ${seconds} s alternating with its floor…`);
  results.push(
    ...(await encodeWithFloor(
      'digits encode (JSON)',
      {
        url: digitsUrl,
        floorUrl: `${floorServer.url}/json`,
        contentType: 'application/json',
        body: digitsBody,
        connections: 16,
        oursPid: server.pid,
        floorPid: floorServer.pid,
        idleWaitS: await untilIdle(api),
      },
      { reqPerSecond: 3000, ratio: 0.6 },
    )),
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
  log(
    `pruned-BERT encode, raw f32 body (${(raw.length / MB).toFixed(2)} MB), ${seconds} s alternating with its floor…`,
  );
  results.push(
    ...(await encodeWithFloor(
      'pruned-BERT encode (f32)',
      {
        url: prunedUrl,
        floorUrl: `${floorServer.url}/raw`,
        contentType: 'application/octet-stream',
        body: raw,
        connections: 8,
        oursPid: server.pid,
        floorPid: floorServer.pid,
        idleWaitS: await untilIdle(api),
      },
      { reqPerSecond: 150, ratio: 0.6 },
    )),
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
