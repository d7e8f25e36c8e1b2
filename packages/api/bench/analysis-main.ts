// The analysis benchmark in its own process: pnpm bench analysis [--json] [--built].
// Uploads the unpruned BERT-base-shaped checkpoint to a real server, then times every analysis
// view cold (its first request after the upload, the background analysis included) and warm
// (median of the following requests), a 1 % prune, compare v1 ↔ v2, and the server's peak RSS.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { topkLength } from '../src/analysis/topk-index-cache.js';
import { ensureBertCheckpoint } from './bert-checkpoint.js';
import { toJson, toTable, type Measurement } from './report.js';
import { RssSampler, startServer } from './server-process.js';
import { curlAvailable, curlDownload, download, uploadFolder } from './transfer.js';

const MIB = 1024 * 1024;
const WARM_RUNS = 5;
const TARGETS = { warmMs: 300, coldMs: 3000, pruneS: 3, rssMiB: 3 * 1024 };

const { values } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    built: { type: 'boolean', default: false },
  },
});
const log = (line: string) => process.stderr.write(`bench analysis: ${line}\n`);

interface View {
  readonly name: string;
  readonly url: string;
  readonly init?: RequestInit;
  /** A streamed CSV download of this many data rows (after one header line). */
  readonly downloadRows?: number;
}

/** Downloads are timed with curl when the machine has it, else with node:http in this process. */
const DOWNLOAD_CLIENT = curlAvailable() ? 'curl' : 'node:http';
const downloadWith = DOWNLOAD_CLIENT === 'curl' ? curlDownload : download;

/** Bytes of each download's first answer: a later answer of another size is an error. */
const downloadBytes = new Map<string, number>();

/**
 * One request, answered in full (the body read to its end), in milliseconds. A download is read
 * as a browser saves it; its first answer is checked row by row, later ones by size.
 */
async function timed(view: View): Promise<{ ms: number; body: string }> {
  if (view.downloadRows !== undefined) {
    const expected = downloadBytes.get(view.name);
    const got = await downloadWith(view.url, { countLines: expected === undefined });
    if (got.status !== 200) throw new Error(`${view.name}: ${got.status} ${got.body.slice(0, 300)}`);
    // Every row ends in a newline; a cut or short download must not count as a fast one.
    if (got.lines !== null && got.lines !== view.downloadRows + 1)
      throw new Error(`${view.name}: ${got.lines - 1} rows, expected ${view.downloadRows}`);
    if (expected !== undefined && got.bytes !== expected)
      throw new Error(`${view.name}: ${got.bytes} bytes, the first answer had ${expected}`);
    downloadBytes.set(view.name, got.bytes);
    return { ms: got.seconds * 1000, body: `${got.bytes} bytes, ${view.downloadRows} rows` };
  }
  const started = performance.now();
  const res = await fetch(view.url, view.init);
  const body = await res.text();
  const ms = performance.now() - started;
  if (!res.ok) throw new Error(`${view.name}: ${res.status} ${body.slice(0, 300)}`);
  return { ms, body };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

const post = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

log('preparing the unpruned BERT-shaped checkpoint (generated once, then reused)…');
const checkpoint = ensureBertCheckpoint();
const dataDir = await mkdtemp(path.join(os.tmpdir(), 'gradiend-bench-analysis-'));
const server = await startServer({ dataDir, built: values.built });
const results: Measurement[] = [];
const failures: string[] = [];
/** The highest sampled RSS while each request (or the upload) ran, highest first. */
let rssByPhase: { phase: string; peak_mib: number }[] = [];
try {
  const api = `${server.url}/api`;
  const v1 = `${api}/models/bert-base/versions/1`;
  const rss = new RssSampler(server.pid);
  log(`uploading ${checkpoint}…`);
  rss.phase('upload');
  const files = ['config.json', 'model.safetensors'].map((f) => path.join(checkpoint, f));
  const up = await uploadFolder(`${api}/models/bert-base/versions`, files);
  if (up.status !== 201) throw new Error(`upload answered ${up.status}: ${up.body}`);
  const version = JSON.parse(up.body) as {
    input_dim: number;
    param_map: { name: string; shape: number[] }[];
  };
  const embeddings = version.param_map.find((p) => p.shape[0] === 30522 && p.shape[1] === 768);
  if (!embeddings) throw new Error('no 30522×768 word-embedding parameter in the checkpoint');

  const views: View[] = [
    { name: 'params', url: `${v1}/params` },
    { name: 'histogram linear, decoder-weight', url: `${v1}/importance/histogram?scale=linear` },
    { name: 'histogram log, decoder-weight', url: `${v1}/importance/histogram?scale=log` },
    { name: 'histogram linear, encoder-weight', url: `${v1}/importance/histogram?part=encoder-weight` },
    {
      name: 'histogram log, encoder-weight',
      url: `${v1}/importance/histogram?part=encoder-weight&scale=log`,
    },
    {
      name: 'heatmap 30522×768 word embeddings',
      url: `${v1}/params/${encodeURIComponent(embeddings.name)}/heatmap`,
    },
    { name: 'prune preview top-k 1%', url: `${v1}/prune/preview`, init: post({ topk: '1%' }) },
    { name: 'top-k 1000 (CSV)', url: `${v1}/topk?k=1000&format=csv`, downloadRows: 1000 },
    {
      name: 'top-k 1% (CSV)',
      url: `${v1}/topk?k=1%25&format=csv`,
      downloadRows: topkLength({ fraction: 0.01 }, version.input_dim),
    },
  ];
  const measure = async (view: View): Promise<void> => {
    try {
      rss.phase(`${view.name}: cold`);
      const cold = await timed(view);
      rss.phase(`${view.name}: warm`);
      const warm: number[] = [];
      for (let i = 0; i < WARM_RUNS; i++) warm.push((await timed(view)).ms);
      results.push(
        { name: `${view.name}: cold`, value: cold.ms, unit: 'ms', target: { max: TARGETS.coldMs } },
        {
          name: `${view.name}: warm`,
          value: median(warm),
          unit: 'ms',
          target: { max: TARGETS.warmMs },
          note: `median of ${WARM_RUNS}, max ${Math.max(...warm).toFixed(0)} ms`,
        },
      );
      if (view.name.startsWith('prune preview')) {
        const method = (JSON.parse(cold.body) as { method?: string }).method;
        results[results.length - 1] = { ...results[results.length - 1]!, note: `method ${method}` };
      }
    } catch (error) {
      failures.push((error as Error).message);
      log(`FAILED ${(error as Error).message}`);
    }
  };
  for (const view of views) {
    log(view.name);
    await measure(view);
  }
  // A threshold at the median importance (from the histogram's quantiles) keeps about half.
  const histogram = JSON.parse((await timed(views[1]!)).body) as { quantiles: Record<string, number> };
  const threshold = histogram.quantiles['0.5'] ?? 0;
  log('prune preview threshold');
  await measure({
    name: `prune preview threshold (median ${threshold.toPrecision(3)})`,
    url: `${v1}/prune/preview`,
    init: post({ threshold }),
  });

  log('prune top-k 1%');
  rss.phase('prune top-k 1%');
  try {
    const pruned = await timed({
      name: 'prune',
      url: `${v1}/prune`,
      init: post({ topk: '1%', target: 'bert-base' }),
    });
    const v2 = JSON.parse(pruned.body) as { version: number; input_dim: number };
    results.push({
      name: 'prune top-k 1% (stores v2)',
      value: pruned.ms / 1000,
      unit: 's',
      target: { max: TARGETS.pruneS },
      note: `${v2.input_dim} dims kept`,
    });
    log('compare v1 ↔ v2');
    await measure({
      name: 'compare v1 ↔ v2 (k 1%)',
      url: `${api}/compare?a=bert-base@1&b=bert-base@${v2.version}&k=1%25`,
    });
  } catch (error) {
    failures.push((error as Error).message);
  }
  const memory = rss.stop();
  rssByPhase = [...memory.phases]
    .sort((a, b) => b[1] - a[1])
    .map(([phase, bytes]) => ({
      phase,
      peak_mib: Math.round(bytes / MIB),
    }));
  const highest = rssByPhase
    .slice(0, 3)
    .map((p) => `${p.phase} ${p.peak_mib}`)
    .join(', ');
  results.push({
    name: 'server peak RSS',
    value: Math.max(memory.peak, memory.hwm) / MIB,
    unit: 'MiB',
    target: { max: TARGETS.rssMiB },
    note: `VmHWM and samples every 20 ms, from ${(memory.before / MIB).toFixed(0)} MiB before the upload; highest sampled: ${highest}`,
  });
} finally {
  await server.stop();
  await rm(dataDir, { recursive: true, force: true });
}

const context = {
  mode: values.built ? 'built' : 'tsx',
  cpus: os.cpus().length,
  node: process.version,
  download_client: DOWNLOAD_CLIENT,
  failures,
  rss_by_phase: rssByPhase,
};
console.log(values.json ? toJson(results, context) : toTable(results));
if (failures.length > 0) {
  process.stderr.write(`bench analysis: ${failures.length} request(s) failed:\n${failures.join('\n')}\n`);
  process.exitCode = 1;
}
