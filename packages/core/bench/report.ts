import type { CoreBenchResult } from './run-core-bench.js';
import { STEPS } from './steps.js';
import {
  PEAK_RSS_EXCL_BATCH_TARGET_BYTES,
  REFERENCE_PEAK_RSS_BYTES,
  REFERENCE_SECONDS,
  SPEEDUP_TARGET,
  targetSeconds,
} from './targets.js';

/** The issue's JSON object; extra keys come after the required ones. */
export function toJson(r: CoreBenchResult, small: boolean): string {
  return JSON.stringify({
    input_dim: r.inputDim,
    seconds: Object.fromEntries(STEPS.map((s) => [s, round(r.seconds[s], 4)])),
    peak_rss_bytes: r.peakRssBytes,
    peak_rss_excl_batch_bytes: r.peakRssExclBatchBytes,
    batch_bytes: r.batchBytes,
    peak_rss_bytes_by_step: r.peakRssByStep,
    generate_seconds: round(r.generateSeconds, 4),
    small,
    threads: r.threads,
    floor_seconds: Object.fromEntries(STEPS.map((s) => [s, round(r.floorSeconds[s], 4)])),
    floor_multiple: Object.fromEntries(STEPS.map((s) => [s, round(r.seconds[s] / r.floorSeconds[s], 2)])),
    floor_probe: { bytes: r.floor.bytes, seconds: round(r.floor.seconds, 4) },
  });
}

/** A human-readable table with the reference numbers and PASS/MISS per target (targets are for full scale). */
export function toTable(r: CoreBenchResult, small: boolean): string {
  const verdict = (ok: boolean): string => (small ? 'n/a (--small)' : ok ? 'PASS' : 'MISS');
  const rows: string[][] = [
    ['step', 'seconds', 'reference', 'target', 'result', 'floor', '× floor', 'step peak RSS'],
  ];
  for (const s of STEPS) {
    const ref = REFERENCE_SECONDS[s];
    const target = targetSeconds(s);
    const speedup = SPEEDUP_TARGET[s];
    rows.push([
      s,
      r.seconds[s].toFixed(3),
      ref === undefined ? '—' : ref.toFixed(2),
      target === null
        ? '—'
        : `≤ ${target.toFixed(2)} (${speedup === 1 ? 'no slower' : `${speedup}× faster`})`,
      target === null ? '—' : verdict(r.seconds[s] <= target),
      r.floorSeconds[s].toFixed(3),
      (r.seconds[s] / r.floorSeconds[s]).toFixed(2),
      r.peakRssByStep[s] === undefined ? '' : gb(r.peakRssByStep[s]),
    ]);
  }
  rows.push([
    'peak RSS excl. batch',
    gb(r.peakRssExclBatchBytes),
    gb(REFERENCE_PEAK_RSS_BYTES),
    `< ${gb(PEAK_RSS_EXCL_BATCH_TARGET_BYTES)}`,
    verdict(r.peakRssExclBatchBytes < PEAK_RSS_EXCL_BATCH_TARGET_BYTES),
    '',
    '',
  ]);
  rows.push(['peak RSS (process)', gb(r.peakRssBytes), '', '', '']);
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((row) => (row[c] ?? '').length))) ?? [];
  const lines = rows.map((row) =>
    row
      .map((cell, c) => (c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
  return [
    `GRADIEND core benchmark: synthetic bert-base-uncased encoder${small ? ' (--small)' : ''}, ` +
      `input_dim ${r.inputDim.toLocaleString('en-US')}, latent 1, float32`,
    `checkpoint: ${r.checkpointDir} (generated in memory in ${r.generateSeconds.toFixed(2)} s, not timed)`,
    '',
    ...lines,
    '',
    `encode batch: ${gb(r.batchBytes)} of input rows (8 × input_dim float32), excluded from the RSS target`,
    `floor: one plain sequential sum over ${gb(r.floor.bytes)} took ${r.floor.seconds.toFixed(3)} s (best of 2 × 3 passes, after load and after the last step, ` +
      `${(r.floor.bytes / r.floor.seconds / 1e9).toFixed(1)} GB/s); a step's floor is the bytes it reads at that rate`,
    `threads: ${r.threads} (kernel pool for importance, top-k, prune, encode and forward; importance and forward write to reused buffers)`,
  ].join('\n');
}

function gb(bytes: number): string {
  return `${(bytes / 1e9).toFixed(2)} GB`;
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
