import { dtypeRounder, isModelDType, keptPerSegmentByThreshold, keptPerSegmentByTopK } from '@gradiend/core';
import type { AnalysisCache } from './analysis-cache.js';
import { TOPK_INDEX_CACHE_BYTES } from './topk-index-cache.js';
import type { VersionRecord } from '../storage/metadata-store.js';
import type { TaskRunner } from '../workers/task-runner.js';
import type { ModelHandle, PruneRequest } from '../workers/task-types.js';

/**
 * How a preview was answered: `summary` — from the summary's bucket counts alone; `scan` — the
 * boundary fell inside a bucket, so the cached importance was counted with prune's own rule (ties
 * at a top-k boundary as prune breaks them; a top-k small enough to keep its ranking in the
 * analysis cache counts that ranking's dims instead); `prune` — the model was pruned in memory
 * (masks, index lists and combined criteria). All three are exact.
 */
export type PreviewMethod = 'summary' | 'scan' | 'prune';

export interface SummaryPreview {
  readonly method: Exclude<PreviewMethod, 'prune'>;
  readonly kept: number[];
  readonly storedBytesAfter: number;
}

/** The k a top-k request keeps, as prune computes it; null when prune would refuse the value. */
function topkCount(spec: NonNullable<PruneRequest['topk']>, n: number): number | null {
  if ('fraction' in spec) {
    return spec.fraction > 0 && spec.fraction <= 1 ? Math.ceil(spec.fraction * n) : null;
  }
  return Number.isInteger(spec.count) && spec.count >= 1 ? Math.min(spec.count, n) : null;
}

/** Per segment (consecutive lengths), how many of `indices` fall into it. */
export function countPerSegment(indices: Int32Array, segments: readonly number[]): number[] {
  const ends = new Float64Array(segments.length);
  let end = 0;
  segments.forEach((length, s) => (ends[s] = end += length));
  const counts = new Array<number>(segments.length).fill(0);
  for (let i = 0; i < indices.length; i++) {
    const local = indices[i]!;
    let lo = 0;
    let hi = ends.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (ends[mid]! > local) hi = mid;
      else lo = mid + 1;
    }
    counts[lo]!++;
  }
  return counts;
}

/**
 * A top-k-only or threshold-only preview from the cached analysis, or null when the request
 * needs the full prune (masks, index lists, both criteria, float64 models whose importance the
 * float32 cache rounds, or arguments prune rejects — the full path gives its exact error).
 */
export async function previewFromSummary(
  deps: { analysis: AnalysisCache; tasks: TaskRunner },
  version: VersionRecord,
  handle: ModelHandle,
  request: PruneRequest,
  signal: AbortSignal,
): Promise<SummaryPreview | null> {
  const { topk, threshold, mask, keep_idx } = request;
  if (mask !== undefined || keep_idx !== undefined) return null;
  if ((topk === undefined) === (threshold === undefined)) return null;
  const dtype = version.summary.dtype;
  if (!isModelDType(dtype) || dtype === 'float64') return null;
  const part = request.part ?? 'decoder-weight';
  const segments = version.summary.param_map.map((p) => p.num_selected);
  const n = version.summary.input_dim;
  let kept: (number | null)[];
  let method: SummaryPreview['method'] = 'summary';
  if (threshold !== undefined) {
    if (!(threshold >= 0)) return null;
    // torch compares in the model dtype: the threshold is rounded like prune rounds it.
    const t = dtypeRounder(dtype)?.(threshold) ?? threshold;
    const summary = await deps.analysis.summary(handle, part);
    const answer = keptPerSegmentByThreshold(summary, t);
    kept = answer.counts as (number | null)[];
    if (!answer.exact) {
      method = 'scan';
      const importance = await deps.analysis.importance(handle, part);
      kept = await deps.tasks.run('keptByThreshold', { importance, segments, threshold: t }, [], {
        signal,
      });
    }
  } else {
    const k = topkCount(topk!, n);
    if (k === null) return null;
    if (k >= n || ('fraction' in topk! && topk.fraction === 1)) {
      kept = segments;
    } else {
      const summary = await deps.analysis.summary(handle, part);
      const answer = keptPerSegmentByTopK(summary, k);
      kept = answer.counts as (number | null)[];
      if (!answer.exact) {
        method = 'scan';
        if (8 * k <= TOPK_INDEX_CACHE_BYTES) {
          // The ranking keeps exactly prune's selection (same k, ties by lowest index).
          kept = countPerSegment((await deps.analysis.topk(handle, part, k)).indices, segments);
        } else {
          const importance = await deps.analysis.importance(handle, part);
          kept = await deps.tasks.run('keptByTopK', { importance, summary, segments, k }, [], { signal });
        }
      }
    }
  }
  const counts = kept.map((c) => c ?? 0);
  // Nothing kept: prune's own error message comes from the full path.
  if (counts.reduce((a, b) => a + b, 0) === 0) return null;
  signal.throwIfAborted();
  const storedBytesAfter = await deps.tasks.run('prunedBytes', { ...handle, kept: counts }, [], { signal });
  return { method, kept: counts, storedBytesAfter };
}
