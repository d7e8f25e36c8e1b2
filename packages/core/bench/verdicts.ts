import type { CoreBenchResult } from './run-core-bench.js';
import type { ReferenceTimings } from './reference-run.js';
import { STEPS } from './steps.js';
import type { Step } from './steps.js';
import { FLOOR_MULTIPLE_TARGETS, PEAK_RSS_EXCL_BATCH_TARGET_BYTES, SPEEDUP_TARGETS } from './targets.js';

export type TargetKind = 'speedup' | 'floor_multiple' | 'peak_rss_excl_batch_bytes';

/** One target and whether this run met it. */
export interface Verdict {
  readonly kind: TargetKind;
  /** The step the target is about; null for the whole-run RSS target. */
  readonly step: Step | null;
  /** 'min': the value must be at least `target` (speed-up); 'max': at most (floor multiple, RSS). */
  readonly bound: 'min' | 'max';
  readonly target: number;
  /** The measured value, or null when it could not be measured (no reference). */
  readonly value: number | null;
  /** null: not judged (see `reason`); a missing number is never counted as met or missed. */
  readonly met: boolean | null;
  readonly reason?: string;
}

/** Reference seconds ÷ ours, or null when the reference did not time the step. */
export function speedup(reference: ReferenceTimings | null, step: Step, ours: number): number | null {
  const ref = reference?.seconds[step];
  return ref === undefined ? null : ref / ours;
}

function judge(bound: 'min' | 'max', target: number, value: number): boolean {
  return bound === 'min' ? value >= target : value <= target;
}

/**
 * Every target of the issue, judged on this run. Under --small nothing is judged (the targets are for
 * the full BERT-base size); without a reference the speed-ups are not judged.
 */
export function computeVerdicts(
  r: CoreBenchResult,
  reference: ReferenceTimings | null,
  small: boolean,
  referenceReason = 'reference not measured',
): Verdict[] {
  const verdict = (
    kind: TargetKind,
    step: Step | null,
    bound: 'min' | 'max',
    target: number,
    value: number | null,
    missingReason: string,
  ): Verdict => {
    if (value === null) return { kind, step, bound, target, value, met: null, reason: missingReason };
    if (small)
      return {
        kind,
        step,
        bound,
        target,
        value,
        met: null,
        reason: 'targets are for the full size (--small)',
      };
    return { kind, step, bound, target, value, met: judge(bound, target, value) };
  };
  const out: Verdict[] = [];
  for (const step of STEPS) {
    const minSpeedup = SPEEDUP_TARGETS[step];
    if (minSpeedup !== undefined) {
      const reason = reference === null ? referenceReason : 'the reference did not time this step';
      out.push(
        verdict('speedup', step, 'min', minSpeedup, speedup(reference, step, r.seconds[step]), reason),
      );
    }
    const maxFloor = FLOOR_MULTIPLE_TARGETS[step];
    if (maxFloor !== undefined) {
      out.push(verdict('floor_multiple', step, 'max', maxFloor, r.seconds[step] / r.floorSeconds[step], ''));
    }
  }
  out.push(
    verdict(
      'peak_rss_excl_batch_bytes',
      null,
      'max',
      PEAK_RSS_EXCL_BATCH_TARGET_BYTES,
      r.peakRssExclBatchBytes,
      '',
    ),
  );
  return out;
}
