// pnpm bench rewrite [--json] [--small]: rewrites a ~440 MB BERT-base-shaped base with the unpruned
// and a 1 %-pruned synthetic GRADIEND, and writes the pruned one's sparse patch. Each measurement
// runs in a fresh process so its peak RSS over the process baseline is its own.
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { rewriteBaseModel, writeSparsePatch } from '../../src/node.js';
import { SMALL_SHRINK } from '../bench-options.js';
import { HwmSegments } from '../peak-rss.js';
import { syntheticCheckpointDir } from '../synthetic-model.js';
import { benchPaths, ensureRewriteBenchData } from './bench-data.js';

const USAGE = 'usage: pnpm bench rewrite [--json] [--small]';
const MEASUREMENTS = ['rewrite-unpruned', 'rewrite-1pct', 'patch-1pct'] as const;
type Measurement = (typeof MEASUREMENTS)[number];
/** The targets (full scale). */
const TARGETS: Record<Measurement, { seconds: number; rssOverBaselineBytes: number | null }> = {
  'rewrite-unpruned': { seconds: 3, rssOverBaselineBytes: 600e6 },
  'rewrite-1pct': { seconds: 3, rssOverBaselineBytes: 600e6 },
  'patch-1pct': { seconds: 0.5, rssOverBaselineBytes: null },
};

interface MeasureResult {
  readonly measurement: Measurement;
  readonly seconds: number;
  /** user + system CPU seconds: what the machine's load cannot inflate. */
  readonly cpuSeconds: number;
  readonly baselineRssBytes: number;
  readonly peakRssBytes: number;
  readonly outBytes: number;
}

async function measure(which: Measurement, shrink: number): Promise<MeasureResult> {
  const { base, pruned } = benchPaths(shrink);
  const gradiend = which === 'rewrite-unpruned' ? syntheticCheckpointDir(shrink) : pruned;
  const out = await mkdtemp(path.join(os.tmpdir(), 'gradiend-bench-rewrite-'));
  try {
    global.gc?.();
    const hwm = new HwmSegments();
    const baselineRssBytes = process.memoryUsage.rss();
    hwm.segment(); // resets the high-water mark to the current RSS
    const start = performance.now();
    const cpuStart = process.cpuUsage();
    let outBytes = 0;
    if (which === 'patch-1pct') {
      const file = path.join(out, 'patch.safetensors');
      const s = await writeSparsePatch(gradiend, null, file, { learningRate: 0.01, featureFactor: [-1] });
      outBytes = s.values * 12;
    } else {
      const s = await rewriteBaseModel(gradiend, base, path.join(out, 'rewritten.safetensors'), {
        learningRate: 0.01,
        featureFactor: [-1],
      });
      outBytes = s.bytes;
    }
    const seconds = (performance.now() - start) / 1000;
    const cpu = process.cpuUsage(cpuStart);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    const peakRssBytes = Math.max(hwm.segment() ?? 0, process.memoryUsage.rss());
    return { measurement: which, seconds, cpuSeconds, baselineRssBytes, peakRssBytes, outBytes };
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}

function child(args: string[]): string {
  const self = fileURLToPath(import.meta.url);
  const r = spawnSync(process.execPath, [...process.execArgv, self, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`bench child ${args.join(' ')} exited ${r.status}`);
  return r.stdout;
}

async function main(argv: string[]): Promise<number> {
  const json = argv.includes('--json');
  const shrink = argv.includes('--small') ? SMALL_SHRINK : 1;
  const measureAt = argv.indexOf('--measure');
  if (argv.includes('--generate')) {
    await ensureRewriteBenchData(shrink, (l) => console.error(l));
    return 0;
  }
  if (measureAt >= 0) {
    const which = argv[measureAt + 1] as Measurement;
    if (!MEASUREMENTS.includes(which)) return 2;
    console.log(JSON.stringify(await measure(which, shrink)));
    return 0;
  }
  if (argv.some((a) => !['--json', '--small'].includes(a))) {
    console.error(USAGE);
    return 2;
  }
  const flags = shrink === 1 ? [] : ['--small'];
  if (!json) console.error('preparing the benchmark data (first run: a few minutes)…');
  child(['--generate', ...flags]);
  const results = MEASUREMENTS.map((m) => JSON.parse(child(['--measure', m, ...flags])) as MeasureResult);
  if (json) {
    console.log(JSON.stringify({ small: shrink !== 1, results }));
    return 0;
  }
  const mb = (b: number): string => `${(b / 1e6).toFixed(0)} MB`;
  const rows = [['measurement', 'seconds', 'cpu s', 'target', 'RSS over baseline', 'target', 'result']];
  for (const r of results) {
    const t = TARGETS[r.measurement];
    const over = r.peakRssBytes - r.baselineRssBytes;
    const ok = r.seconds <= t.seconds && (t.rssOverBaselineBytes === null || over <= t.rssOverBaselineBytes);
    rows.push([
      r.measurement,
      r.seconds.toFixed(3),
      r.cpuSeconds.toFixed(3),
      `≤ ${t.seconds}`,
      mb(over),
      t.rssOverBaselineBytes === null ? '—' : `≤ ${mb(t.rssOverBaselineBytes)}`,
      shrink !== 1 ? 'n/a (--small)' : ok ? 'PASS' : 'MISS',
    ]);
  }
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  '));
  console.log(
    `load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} on ${os.cpus().length} cores`,
  );
  return 0;
}

process.exit(await main(process.argv.slice(2)));
