import type { Step } from './steps.js';

/** What the reference Python library (PyTorch 1.13 CPU) measured at BERT-base scale (issue 2). */
export const REFERENCE_SECONDS: Partial<Record<Step, number>> = {
  load: 14.0,
  importance_decoder_weight: 0.83,
  topk_1pct: 8.6,
  prune_topk_1pct: 21.1,
  encode_batch8: 1.07,
  forward_1: 1.03,
};
export const REFERENCE_PEAK_RSS_BYTES = 10.6e9;

/** Required speed-up over the reference: 1 means "no slower". Save has no target. */
export const SPEEDUP_TARGET: Partial<Record<Step, number>> = {
  load: 5,
  importance_decoder_weight: 1,
  topk_1pct: 10,
  prune_topk_1pct: 10,
  encode_batch8: 1,
  forward_1: 1,
};
export const PEAK_RSS_EXCL_BATCH_TARGET_BYTES = 2.5e9;

/** The largest time that meets the target, or null for untargeted steps. */
export function targetSeconds(step: Step): number | null {
  const ref = REFERENCE_SECONDS[step];
  const speedup = SPEEDUP_TARGET[step];
  return ref === undefined || speedup === undefined ? null : ref / speedup;
}
