import type { ReferenceOutcome } from './reference-run.js';
import type { CoreBenchResult } from './run-core-bench.js';
import { STEPS } from './steps.js';
import type { Step } from './steps.js';
import { computeVerdicts, speedup } from './verdicts.js';
import type { Verdict } from './verdicts.js';

/** Ours loads this file; the reference (no safetensors package here) loads pytorch_model.bin. */
const OUR_WEIGHTS_FILE = 'model.safetensors';

/** The JSON object; extra keys come after the required ones. */
export function toJson(r: CoreBenchResult, small: boolean, outcome: ReferenceOutcome): string {
  const ref = outcome.reference;
  const verdicts = computeVerdicts(r, ref, small, outcome.reason);
  const stepTargets = (s: Step): object[] => verdicts.filter((v) => v.step === s).map((v) => verdictJson(v));
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
    weights_file: OUR_WEIGHTS_FILE,
    reference:
      ref === null
        ? null
        : {
            seconds: Object.fromEntries(
              STEPS.flatMap((s) => (ref.seconds[s] === undefined ? [] : [[s, round(ref.seconds[s], 4)]])),
            ),
            peak_rss_bytes: ref.peakRssBytes,
            batch_bytes: ref.batchBytes,
            torch_version: ref.torchVersion,
            threads: ref.threads,
            python_version: ref.pythonVersion,
            weights_file: ref.weightsFile,
          },
    ...(ref === null ? { reference_unavailable_reason: outcome.reason } : {}),
    steps: Object.fromEntries(
      STEPS.map((s) => {
        const up = speedup(ref, s, r.seconds[s]);
        return [
          s,
          {
            seconds: round(r.seconds[s], 4),
            floor_seconds: round(r.floorSeconds[s], 4),
            floor_multiple: round(r.seconds[s] / r.floorSeconds[s], 2),
            reference_seconds: ref?.seconds[s] === undefined ? null : round(ref.seconds[s], 4),
            speedup: up === null ? null : round(up, 2),
            targets: stepTargets(s),
          },
        ];
      }),
    ),
    targets: verdicts.map((v) => verdictJson(v)),
    targets_summary: {
      met: verdicts.filter((v) => v.met === true).length,
      missed: verdicts.filter((v) => v.met === false).length,
      not_judged: verdicts.filter((v) => v.met === null).length,
    },
  });
}

function verdictJson(v: Verdict): object {
  return {
    kind: v.kind,
    step: v.step,
    bound: v.bound,
    target: v.target,
    value: v.value === null ? null : v.kind === 'peak_rss_excl_batch_bytes' ? v.value : round(v.value, 3),
    met: v.met,
    ...(v.reason === undefined ? {} : { reason: v.reason }),
  };
}

/** "≥ 15× ref" / "≤ 2× floor" / "≤ 2.00 GB". */
function targetText(v: Verdict): string {
  const op = v.bound === 'min' ? '≥' : '≤';
  if (v.kind === 'speedup') return `${op} ${v.target}× ref`;
  if (v.kind === 'floor_multiple') return `${op} ${v.target}× floor`;
  return `${op} ${gb(v.target)}`;
}

function metText(v: Verdict, small: boolean): string {
  if (v.met === true) return 'met';
  if (v.met === false) return 'MISSED';
  return small && v.value !== null ? 'n/a (--small)' : 'not judged';
}

/** A human-readable table: ours, floor, × floor, reference, speed-up, target and met per step. */
export function toTable(r: CoreBenchResult, small: boolean, outcome: ReferenceOutcome): string {
  const ref = outcome.reference;
  const verdicts = computeVerdicts(r, ref, small, outcome.reason);
  const rows: string[][] = [
    ['step', 'ours', 'floor', '× floor', 'reference', 'speed-up', 'target', 'met', 'step peak RSS'],
  ];
  for (const s of STEPS) {
    const up = speedup(ref, s, r.seconds[s]);
    const own = verdicts.filter((v) => v.step === s);
    const refSeconds = ref?.seconds[s];
    rows.push([
      s,
      `${r.seconds[s].toFixed(3)} s`,
      `${r.floorSeconds[s].toFixed(3)} s`,
      (r.seconds[s] / r.floorSeconds[s]).toFixed(2),
      refSeconds === undefined ? '—' : `${refSeconds.toFixed(3)} s`,
      up === null ? '—' : `${up.toFixed(1)}×`,
      own.length === 0 ? '—' : own.map(targetText).join('; '),
      own.length === 0 ? '—' : [...new Set(own.map((v) => metText(v, small)))].join('; '),
      r.peakRssByStep[s] === undefined ? '' : gb(r.peakRssByStep[s]),
    ]);
  }
  const rss = verdicts.filter((v) => v.kind === 'peak_rss_excl_batch_bytes');
  rows.push([
    'peak RSS excl. batch',
    gb(r.peakRssExclBatchBytes),
    '',
    '',
    ref === null ? '—' : `${gb(ref.peakRssBytes)} (incl. its batch)`,
    '',
    rss.map(targetText).join('; '),
    rss.map((v) => metText(v, small)).join('; '),
  ]);
  rows.push(['peak RSS (process)', gb(r.peakRssBytes)]);
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((row) => (row[c] ?? '').length))) ?? [];
  const lines = rows.map((row) =>
    row
      .map((cell, c) => (c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
  const judged = verdicts.filter((v) => v.met !== null);
  return [
    `GRADIEND core benchmark: synthetic bert-base-uncased encoder${small ? ' (--small)' : ''}, ` +
      `input_dim ${r.inputDim.toLocaleString('en-US')}, latent 1, float32`,
    `checkpoint: saved to a private temp folder (deleted after the run); generated in memory in ` +
      `${r.generateSeconds.toFixed(2)} s, not timed`,
    ref === null
      ? `reference not measured: ${outcome.reason}`
      : `reference: the Python GRADIEND library measured in this run after our steps (torch ${ref.torchVersion}, ` +
        `Python ${ref.pythonVersion}, ${ref.threads} thread${ref.threads === 1 ? '' : 's'}); it loads ` +
        `${ref.weightsFile}, ours loads ${OUR_WEIGHTS_FILE}`,
    '',
    ...lines,
    '',
    `targets: ${judged.filter((v) => v.met === true).length} met, ${judged.filter((v) => v.met === false).length} missed, ` +
      `${verdicts.length - judged.length} not judged`,
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
