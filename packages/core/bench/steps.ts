/** The measured steps, in the order the issue lists them (keys of the JSON `seconds` object). */
export const STEPS = [
  'save',
  'load',
  'importance_decoder_weight',
  'topk_1pct',
  'prune_topk_1pct',
  'encode_batch8',
  'forward_1',
] as const;

export type Step = (typeof STEPS)[number];

export type StepSeconds = Record<Step, number>;

/** Bytes of the 8 input rows the benchmark itself allocates for the encode step. */
export const ENCODE_BATCH = 8;
