import fs from 'node:fs/promises';
import {
  SUMMARY_FORMAT,
  decodeSummary,
  encodeSummary,
  type ImportancePart,
  type ImportanceSummary,
} from '@gradiend/core';
import type { PartStatus } from '../schemas/registry.js';
import type { BlobStore } from '../storage/blob-store.js';
import type { AnalysisRecord, MetadataStore } from '../storage/metadata-store.js';
import type { TaskRunner } from '../workers/task-runner.js';
import type { ModelHandle, TopkRanking } from '../workers/task-types.js';
import { TopkIndexCache } from './topk-index-cache.js';

export interface AnalysisCacheDeps {
  readonly meta: MetadataStore;
  readonly blobs: BlobStore;
  readonly tasks: TaskRunner;
  readonly makeTempDir: (prefix: string) => Promise<string>;
  /** Bytes of importance vectors kept in memory (least recently used go first). */
  readonly memoryBytes: number;
  /**
   * Charges the kept arrays (importances and top-k rankings, shared memory) to the instance's
   * memory budget (MemoryBudget.hold); returns the function that gives them back.
   */
  readonly hold?: (bytes: number) => () => void;
  readonly log: { warn(obj: object, msg: string): void };
}

interface Entry {
  readonly importance: Float32Array;
  readonly summary: ImportanceSummary;
}

const MAX_SUMMARIES = 256;

/**
 * The per-version analysis, computed once: per importance part the float32 importance (in shared
 * memory, so worker tasks read it without a copy) and its summary. Keyed by content key + part;
 * persisted in the blob store with an index row in the metadata store, so other instances and
 * restarts reuse it. Concurrent requests for the same key wait on one computation.
 */
export class AnalysisCache {
  private readonly summaries = new Map<string, ImportanceSummary>();
  private readonly importances = new Map<string, Float32Array>();
  private readonly holds = new Map<string, () => void>();
  private importanceBytes = 0;
  private readonly entries = new Map<string, Promise<Entry>>();
  private readonly summaryLoads = new Map<string, Promise<ImportanceSummary>>();
  private readonly persisting = new Set<Promise<void>>();
  private readonly status = new Map<string, Map<ImportancePart, PartStatus>>();
  private readonly rankings: TopkIndexCache;

  constructor(private readonly deps: AnalysisCacheDeps) {
    this.rankings = new TopkIndexCache(deps.tasks, undefined, deps.hold);
  }

  private static id(key: string, part: ImportancePart): string {
    return `${key}\0${part}`;
  }

  /** The part's summary: from memory, from the blob store, or computed (with the importance). */
  summary(handle: ModelHandle, part: ImportancePart): Promise<ImportanceSummary> {
    const id = AnalysisCache.id(handle.key, part);
    const hit = this.summaries.get(id);
    if (hit) {
      this.summaries.delete(id);
      this.summaries.set(id, hit);
      return Promise.resolve(hit);
    }
    let pending = this.summaryLoads.get(id);
    if (!pending) {
      pending = this.loadSummary(handle, part).finally(() => this.summaryLoads.delete(id));
      this.summaryLoads.set(id, pending);
    }
    return pending;
  }

  /**
   * The part's float32 importance (shared memory; callers must not write to it). Only importances
   * that requests use stay in memory: the background analysis of other parts must not push them out.
   */
  async importance(handle: ModelHandle, part: ImportancePart): Promise<Float32Array> {
    const entry = await this.entry(handle, part);
    this.keepImportance(AnalysisCache.id(handle.key, part), entry.importance);
    return entry.importance;
  }

  /**
   * The part's k most important dims (k in [1, input_dim]) with their importance, ranked as the
   * core's selectTopK ranks the cached importance (ties by lowest index, as prune keeps them);
   * computed once per (content, part, k) and kept in a small LRU.
   */
  topk(handle: ModelHandle, part: ImportancePart, k: number): Promise<TopkRanking> {
    return this.rankings.get(handle.key, part, k, async () => ({
      importance: await this.importance(handle, part),
      summary: await this.summary(handle, part),
    }));
  }

  /** Each part's state for a content key, or null when nothing was asked of it in this process. */
  partsOf(key: string): PartStatus[] | null {
    const parts = this.status.get(key);
    if (!parts) return null;
    const now = Date.now();
    return [...parts.values()].map((s) =>
      s.state === 'computing' && s.started_at ? { ...s, elapsed_ms: now - Date.parse(s.started_at) } : s,
    );
  }

  /** Resolves when every started write to the blob store has finished (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.persisting.size > 0) await Promise.allSettled([...this.persisting]);
  }

  private partStatus(key: string): Map<ImportancePart, PartStatus> {
    let parts = this.status.get(key);
    if (!parts) {
      parts = new Map();
      this.status.set(key, parts);
      while (this.status.size > MAX_SUMMARIES) this.status.delete(this.status.keys().next().value as string);
    }
    return parts;
  }

  private setStatus(key: string, part: ImportancePart, state: PartStatus['state'], started: number): void {
    const done = state === 'ready' || state === 'failed';
    this.partStatus(key).set(part, {
      part,
      state,
      started_at: new Date(started).toISOString(),
      elapsed_ms: done ? Date.now() - started : 0,
    });
  }

  private async record(key: string, part: ImportancePart): Promise<AnalysisRecord | null> {
    return this.deps.meta.getAnalysis(key, part, SUMMARY_FORMAT);
  }

  private async loadSummary(handle: ModelHandle, part: ImportancePart): Promise<ImportanceSummary> {
    const record = await this.record(handle.key, part);
    if (record) {
      try {
        const summary = decodeSummary((await this.deps.blobs.read(record.summary.sha256)).toString('utf8'));
        this.keepSummary(AnalysisCache.id(handle.key, part), summary);
        this.setStatus(handle.key, part, 'ready', Date.now());
        return summary;
      } catch (error) {
        // A missing or unreadable blob is recomputed (and re-recorded under the same key).
        this.deps.log.warn({ err: error, part }, 'cached analysis summary unreadable; recomputing');
      }
    }
    return (await this.entry(handle, part)).summary;
  }

  private entry(handle: ModelHandle, part: ImportancePart): Promise<Entry> {
    const id = AnalysisCache.id(handle.key, part);
    const importance = this.importances.get(id);
    const summary = this.summaries.get(id);
    if (importance && summary) {
      this.importances.delete(id);
      this.importances.set(id, importance);
      return Promise.resolve({ importance, summary });
    }
    let pending = this.entries.get(id);
    if (!pending) {
      pending = this.loadEntry(handle, part).finally(() => this.entries.delete(id));
      this.entries.set(id, pending);
    }
    return pending;
  }

  private async loadEntry(handle: ModelHandle, part: ImportancePart): Promise<Entry> {
    const id = AnalysisCache.id(handle.key, part);
    const record = await this.record(handle.key, part);
    if (record) {
      try {
        const importance = await this.readImportance(record);
        const summary =
          this.summaries.get(id) ??
          decodeSummary((await this.deps.blobs.read(record.summary.sha256)).toString('utf8'));
        this.keepSummary(id, summary);
        return { importance, summary };
      } catch (error) {
        this.deps.log.warn({ err: error, part }, 'cached analysis unreadable; recomputing');
      }
    }
    const started = Date.now();
    this.setStatus(handle.key, part, 'computing', started);
    try {
      const computed = await this.deps.tasks.run('analyzeImportance', { ...handle, part });
      this.keepSummary(id, computed.summary);
      this.keepImportance(id, computed.importance, 'first-to-go');
      this.setStatus(handle.key, part, 'ready', started);
      this.persist(handle.key, part, computed);
      return computed;
    } catch (error) {
      this.setStatus(handle.key, part, 'failed', started);
      throw error;
    }
  }

  /** Reads a raw float32 blob straight into shared memory. */
  private async readImportance(record: AnalysisRecord): Promise<Float32Array> {
    const { size } = record.importance;
    const bytes = new Uint8Array(new SharedArrayBuffer(size));
    let at = 0;
    for await (const chunk of await this.deps.blobs.createReadStream(record.importance.sha256)) {
      const data = chunk as Buffer;
      if (at + data.length > size) throw new RangeError('cached importance is longer than recorded');
      bytes.set(data, at);
      at += data.length;
    }
    if (at !== size) throw new RangeError('cached importance is shorter than recorded');
    return new Float32Array(bytes.buffer, 0, size / 4);
  }

  private persist(key: string, part: ImportancePart, entry: Entry): void {
    const job = (async () => {
      const dir = await this.deps.makeTempDir('analysis');
      try {
        const staged = await this.deps.tasks.run('persistAnalysis', {
          importance: entry.importance,
          summary: encodeSummary(entry.summary),
          dir,
        });
        await this.deps.blobs.putFile(staged.importance.path, staged.importance);
        await this.deps.blobs.putFile(staged.summary.path, staged.summary);
        await this.deps.meta.putAnalysis({
          contentKey: key,
          part,
          format: SUMMARY_FORMAT,
          importance: { sha256: staged.importance.sha256, size: staged.importance.size },
          summary: { sha256: staged.summary.sha256, size: staged.summary.size },
        });
      } finally {
        await fs.rm(dir, { recursive: true, force: true });
      }
    })()
      .catch((error: unknown) => this.deps.log.warn({ err: error, part }, 'storing the analysis failed'))
      .finally(() => this.persisting.delete(job));
    this.persisting.add(job);
  }

  private keepSummary(id: string, summary: ImportanceSummary): void {
    this.summaries.delete(id);
    this.summaries.set(id, summary);
    while (this.summaries.size > MAX_SUMMARIES) {
      this.summaries.delete(this.summaries.keys().next().value as string);
    }
  }

  /**
   * `newest` (a request uses it) or `first-to-go` (just computed, maybe in the background): the
   * latter goes in as the least recently used, so background parts never push out what requests use.
   */
  private keepImportance(
    id: string,
    importance: Float32Array,
    rank: 'newest' | 'first-to-go' = 'newest',
  ): void {
    const old = this.importances.get(id);
    if (old) {
      this.importanceBytes -= old.byteLength;
      this.holds.get(id)?.();
    }
    this.importances.delete(id);
    if (rank === 'newest' || this.importances.size === 0) this.importances.set(id, importance);
    else {
      const rest = [...this.importances];
      this.importances.clear();
      this.importances.set(id, importance);
      for (const [k, v] of rest) this.importances.set(k, v);
    }
    this.importanceBytes += importance.byteLength;
    this.holds.set(id, this.deps.hold?.(importance.byteLength) ?? (() => undefined));
    // The newest entry stays even when it alone exceeds the budget: a request needs it now.
    while (this.importanceBytes > this.deps.memoryBytes && this.importances.size > 1) {
      const [oldest, value] = this.importances.entries().next().value as [string, Float32Array];
      this.importances.delete(oldest);
      this.importanceBytes -= value.byteLength;
      this.holds.get(oldest)?.();
      this.holds.delete(oldest);
    }
  }
}
