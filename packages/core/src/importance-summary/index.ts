export {
  FINE_BITS,
  SEGMENT_BITS,
  FINE_BUCKETS,
  SEGMENT_BUCKETS,
  FINE_SHIFT,
  SEGMENT_SHIFT,
} from './summary-types.js';
export type { ImportanceSummary, SegmentSummary, CountAnswer } from './summary-types.js';
export { summarizeImportance } from './summary-kernels.js';
export { orderKey, keyValue, ceilKey } from './order-keys.js';
export {
  countFromKey,
  segmentCountFromKey,
  countAtLeast,
  segmentCountAtLeast,
  topKBoundary,
  keptPerSegmentByThreshold,
  keptPerSegmentByTopK,
  quantile,
  finiteCount,
  summaryHistogram,
} from './summary-queries.js';
export type { TopKBoundary, PerSegmentAnswer, BucketValue, SummaryHistogram } from './summary-queries.js';
export { encodeSummary, decodeSummary, SUMMARY_FORMAT } from './summary-codec.js';
export { keptPerSegmentByThresholdExact, keptPerSegmentByTopKExact } from './exact-kept-kernels.js';
export type { ScanOptions } from './exact-kept-kernels.js';
export { topKFromSummary } from './topk-from-summary.js';
