import { isModelDType, type ImportancePart, type ImportanceSummary } from '@gradiend/core';
import type { TopkSpec } from '../schemas/topk.js';
import type { TaskRunner } from '../workers/task-runner.js';
import type { TopkRanking } from '../workers/task-types.js';

/** The k of a top-k request over n dims, as the core's GradiendModel.topK computes it (≥ 1, ≤ n). */
export function topkLength(spec: TopkSpec, n: number): number {
  const k0 = 'fraction' in spec ? Math.ceil(spec.fraction * n) : spec.count;
  return Math.min(Math.max(k0, 1), n);
}

/** Rankings kept per (content key, part, k): 8 bytes a dim, so 64 MiB hold 8 Mi dims (7 % of BERT). */
export const TOPK_INDEX_CACHE_BYTES = 64 * 1024 * 1024;

/**
 * Whether the float32 analysis cache ranks a model's dims exactly as the model does: float32 and
 * smaller dtypes give the same float32 importance; float64 weights are rounded by the cache.
 */
export function cacheRanksExactly(dtype: string): boolean {
  return isModelDType(dtype) && dtype !== 'float64';
}

/**
 * The finished top-k rankings (indices most important first and their values, shared memory) of cached
 * importances, computed once per (content key, part, k) by the `topkIndices` task and kept least
 * recently used first up to `maxBytes`; concurrent requests for one ranking wait on one task.
 */
export class TopkIndexCache {
  private readonly lists = new Map<string, { ranking: TopkRanking; release: () => void }>();
  private readonly pending = new Map<string, Promise<TopkRanking>>();
  private bytes = 0;

  /** `hold` charges the kept rankings to the memory budget (see AnalysisCacheDeps.hold). */
  constructor(
    private readonly tasks: TaskRunner,
    private readonly maxBytes = TOPK_INDEX_CACHE_BYTES,
    private readonly hold: (bytes: number) => () => void = () => () => undefined,
  ) {}

  get(
    key: string,
    part: ImportancePart,
    k: number,
    load: () => Promise<{ importance: Float32Array; summary: ImportanceSummary }>,
  ): Promise<TopkRanking> {
    const id = `${key}\0${part}\0${k}`;
    const hit = this.lists.get(id);
    if (hit) {
      this.lists.delete(id);
      this.lists.set(id, hit);
      return Promise.resolve(hit.ranking);
    }
    let running = this.pending.get(id);
    if (!running) {
      running = (async () => {
        const { importance, summary } = await load();
        const ranking = await this.tasks.run('topkIndices', { importance, summary, k });
        this.keep(id, ranking);
        return ranking;
      })().finally(() => this.pending.delete(id));
      this.pending.set(id, running);
    }
    return running;
  }

  private keep(id: string, ranking: TopkRanking): void {
    const size = (r: TopkRanking) => r.indices.byteLength + r.values.byteLength;
    if (size(ranking) > this.maxBytes || this.lists.has(id)) return;
    this.lists.set(id, { ranking, release: this.hold(size(ranking)) });
    this.bytes += size(ranking);
    while (this.bytes > this.maxBytes) {
      const [oldest, value] = this.lists.entries().next().value as [
        string,
        { ranking: TopkRanking; release: () => void },
      ];
      this.lists.delete(oldest);
      this.bytes -= size(value.ranking);
      value.release();
    }
  }
}
