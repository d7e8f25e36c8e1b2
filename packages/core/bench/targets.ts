import type { Step } from './steps.js';

// The one place for issue 16's targets. The reference is measured in the same run (reference-timings.py),
// never taken from an earlier machine or session.

/** Required speed-up over the reference in the same run (reference seconds ÷ ours, at least). Save has none. */
export const SPEEDUP_TARGETS: Partial<Record<Step, number>> = {
  load: 15,
  importance_decoder_weight: 3,
  topk_1pct: 20,
  prune_topk_1pct: 20,
  encode_batch8: 1.5,
  forward_1: 2,
};

/** Largest allowed multiple of the step's floor (seconds ÷ floor seconds, at most). */
export const FLOOR_MULTIPLE_TARGETS: Partial<Record<Step, number>> = {
  importance_decoder_weight: 2,
  encode_batch8: 2,
  forward_1: 2,
};

/** Peak RSS of the whole run without the benchmark's own encode batch, at most. */
export const PEAK_RSS_EXCL_BATCH_TARGET_BYTES = 2e9;
