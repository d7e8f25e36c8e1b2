// Named import: a default import is undefined where tsx compiles the worker's modules.
import { InferenceSession } from 'onnxruntime-node';

export interface CachedSession {
  readonly session: InferenceSession;
  readonly bytes: number;
}

/**
 * ONNX Runtime sessions per (version content, encoder|decoder), least recently used first out once
 * the graphs' total size passes the budget. Keys are content hashes, so entries never go stale.
 */
export class OnnxSessionCache {
  private readonly entries = new Map<string, Promise<CachedSession>>();
  private readonly sizes = new Map<string, number>();
  /** Called on every lookup (metrics). */
  observe: (hit: boolean) => void = () => undefined;

  constructor(private readonly budgetBytes: number) {}

  async get(key: string, build: () => Promise<Uint8Array>): Promise<InferenceSession> {
    let entry = this.entries.get(key);
    this.observe(entry !== undefined);
    if (entry) {
      this.entries.delete(key);
      this.entries.set(key, entry);
    } else {
      entry = (async () => {
        const graph = await build();
        // Sessions run on ORT's own threads; one intra-op thread each keeps concurrent requests fair.
        const session = await InferenceSession.create(graph, {
          intraOpNumThreads: 1,
          interOpNumThreads: 1,
          graphOptimizationLevel: 'all',
        });
        return { session, bytes: graph.byteLength };
      })();
      this.entries.set(key, entry);
      entry.then(
        (s) => {
          this.sizes.set(key, s.bytes);
          void this.evict(key);
        },
        () => this.entries.delete(key),
      );
    }
    return (await entry).session;
  }

  private async evict(keep: string): Promise<void> {
    let total = [...this.sizes.values()].reduce((a, b) => a + b, 0);
    for (const key of [...this.entries.keys()]) {
      if (total <= this.budgetBytes) break;
      if (key === keep || !this.sizes.has(key)) continue;
      const entry = this.entries.get(key);
      this.entries.delete(key);
      total -= this.sizes.get(key) ?? 0;
      this.sizes.delete(key);
      await (await entry)?.session.release();
    }
  }

  async clear(): Promise<void> {
    const all = [...this.entries.values()];
    this.entries.clear();
    this.sizes.clear();
    for (const entry of all) {
      try {
        await (await entry).session.release();
      } catch {
        // a failed build has nothing to release
      }
    }
  }
}
