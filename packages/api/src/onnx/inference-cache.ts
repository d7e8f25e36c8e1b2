import type { GradiendEncoder } from '@gradiend/core';
// Named import: a default import is undefined where tsx compiles the worker's modules.
import { InferenceSession } from 'onnxruntime-node';

interface Entry {
  readonly value: InferenceSession | GradiendEncoder;
  readonly bytes: number;
  release(): Promise<void>;
}

/**
 * What encode and decode run on, per version content: ONNX Runtime sessions (`<key>:encoder`,
 * `<key>:decoder`) and the core's encoder weights (`<key>:core-encoder`, see encode-with-core.ts),
 * least recently used first out once their total size passes one budget. Keys are content hashes,
 * so entries never go stale.
 */
export class InferenceCache {
  private readonly entries = new Map<string, Promise<Entry>>();
  private readonly sizes = new Map<string, number>();
  /** Called on every lookup (metrics). */
  observe: (hit: boolean) => void = () => undefined;

  constructor(private readonly budgetBytes: number) {}

  /** The session of the graph `build` exports; its size counts as the graph's bytes. */
  async session(key: string, build: () => Promise<Uint8Array>): Promise<InferenceSession> {
    const entry = await this.lookup(key, async () => {
      const graph = await build();
      // Sessions run on ORT's own threads; one intra-op thread each keeps concurrent requests fair.
      const session = await InferenceSession.create(graph, {
        intraOpNumThreads: 1,
        interOpNumThreads: 1,
        graphOptimizationLevel: 'all',
      });
      return { value: session, bytes: graph.byteLength, release: () => session.release() };
    });
    return entry.value as InferenceSession;
  }

  /** Encoder weights `load` gives (arrays nothing else holds); their size counts as their bytes. */
  async encoder(key: string, load: () => Promise<GradiendEncoder>): Promise<GradiendEncoder> {
    const entry = await this.lookup(key, async () => {
      const encoder = await load();
      const bytes = encoder.weight.byteLength + (encoder.bias?.byteLength ?? 0);
      return { value: encoder, bytes, release: async () => undefined };
    });
    return entry.value as GradiendEncoder;
  }

  private async lookup(key: string, build: () => Promise<Entry>): Promise<Entry> {
    let entry = this.entries.get(key);
    this.observe(entry !== undefined);
    if (entry) {
      this.entries.delete(key);
      this.entries.set(key, entry);
    } else {
      entry = build();
      this.entries.set(key, entry);
      entry.then(
        (e) => {
          this.sizes.set(key, e.bytes);
          void this.evict(key);
        },
        () => this.entries.delete(key),
      );
    }
    return entry;
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
      await (await entry)?.release();
    }
  }

  async clear(): Promise<void> {
    const all = [...this.entries.values()];
    this.entries.clear();
    this.sizes.clear();
    for (const entry of all) {
      try {
        await (await entry).release();
      } catch {
        // a failed build has nothing to release
      }
    }
  }
}
