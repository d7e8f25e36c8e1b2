import { encoderMetricsFamily } from './encoder-metrics-family.js';
import { similarityFamily } from './similarity-family.js';
import type { ConformanceFamily } from './family.js';
import { referenceFamily } from './reference-family.js';
import { rewriteFamily } from './rewrite-family.js';

/** Every family the runner knows, in the order their lines are printed. Add new families here. */
export const CONFORMANCE_FAMILIES: readonly ConformanceFamily[] = [
  referenceFamily,
  encoderMetricsFamily,
  similarityFamily,
  rewriteFamily,
];
