// BERT-scale smoke test of the analysis endpoints on the real server: the unpruned
// BERT-base-shaped model (108,891,648 dims) of the benchmark's generator, every answer checked
// against an independent computation over the served float32 importance (typed-array loops).
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type BenchServer } from '../packages/api/bench/server-process.js';
import { ensureBigModel } from './support/big-model.js';
import { getJson, uploadFolder } from './support/api-client.js';

interface ParamRow {
  name: string;
  selected: number;
  importance_sum: number;
  importance_max: number | null;
}
interface Preview {
  input_dim: number;
  method: string;
  params: { name: string; kept: number }[];
}

async function post<T>(base: string, url: string, body: unknown): Promise<T> {
  const res = await fetch(`${base}${url}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`POST ${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

describe.skipIf(process.env.GRADIEND_E2E_BIG === '0')(
  'analysis of the unpruned BERT-base-shaped model',
  () => {
    let server: BenchServer;
    let dataDir: string;
    let importance: Float32Array;
    let params: ParamRow[];
    const v1 = '/api/models/bert-base/versions/1';

    beforeAll(async () => {
      const dir = await ensureBigModel();
      dataDir = await mkdtemp(path.join(os.tmpdir(), 'gradiend-e2e-analysis-'));
      server = await startServer({ dataDir, built: false });
      await uploadFolder(server.url, 'bert-base', dir);
      const res = await fetch(`${server.url}${v1}/importance?format=f32`);
      importance = new Float32Array(await res.arrayBuffer());
      params = (await getJson<{ items: ParamRow[] }>(server.url, `${v1}/params`)).items;
    });

    afterAll(async () => {
      await server?.stop();
      if (dataDir) await rm(dataDir, { recursive: true, force: true });
    });

    /** Per parameter (in input order), how many entries `keep` accepts. */
    function perParam(keep: (v: number) => boolean): number[] {
      let offset = 0;
      return params.map((p) => {
        let n = 0;
        for (let i = offset; i < offset + p.selected; i++) if (keep(importance[i] as number)) n++;
        offset += p.selected;
        return n;
      });
    }

    it('params agree with sums and maxima over the served importance', () => {
      expect(params).toHaveLength(197);
      expect(params.reduce((n, p) => n + p.selected, 0)).toBe(importance.length);
      let offset = 0;
      for (const p of params) {
        let sum = 0;
        let max = -Infinity;
        for (let i = offset; i < offset + p.selected; i++) {
          const v = importance[i] as number;
          sum += v;
          if (v > max) max = v;
        }
        offset += p.selected;
        expect(p.importance_max, p.name).toBe(max);
        expect(p.importance_sum / sum, p.name).toBeCloseTo(1, 9);
      }
    });

    it.each(['linear', 'log'] as const)('the %s histogram counts every value of its range', async (scale) => {
      const h = await getJson<{
        edges: number[];
        counts: number[];
        below_range: number;
        above_range: number;
        zeros: number;
        range: [number, number];
        exact: boolean;
      }>(server.url, `${v1}/importance/histogram?scale=${scale}&bins=64`);
      const [lo, hi] = h.range;
      let below = 0;
      let above = 0;
      let pool = 0;
      // An indexed loop: an iterator over 10^8 values holds the event loop for seconds, long enough
      // for the server to close the idle keep-alive socket the next request then reuses.
      for (let i = 0; i < importance.length; i++) {
        const v = importance[i]!;
        if (!Number.isFinite(v) || (scale === 'log' && v <= 0)) continue;
        pool++;
        if (v < lo) below++;
        else if (v > hi) above++;
      }
      expect([h.below_range, h.above_range]).toEqual([below, above]);
      expect(h.counts.reduce((a, b) => a + b, 0)).toBe(pool - below - above);
    });

    it('previews are exact: top-k 1 % as the prune keeps it, a threshold as v ≥ t', async () => {
      const topk = await post<Preview>(server.url, `${v1}/prune/preview`, { topk: '1%' });
      const pruned = await post<{ version: number; param_map: { name: string; num_selected: number }[] }>(
        server.url,
        `${v1}/prune`,
        { topk: '1%' },
      );
      expect(topk.input_dim).toBe(Math.ceil(0.01 * importance.length));
      expect(topk.params.map((p) => p.kept)).toEqual(pruned.param_map.map((p) => p.num_selected));

      const t = 0.01;
      const threshold = await post<Preview>(server.url, `${v1}/prune/preview`, { threshold: t });
      const tf = Math.fround(t);
      expect(threshold.params.map((p) => p.kept)).toEqual(perParam((v) => v >= tf));

      // v2's importance is v1's on the kept dims, so its top 1 % lies inside v1's top 1 %.
      const compare = await getJson<{ size_b: number; intersection: number }>(
        server.url,
        `/api/compare?a=bert-base@1&b=bert-base@${pruned.version}&k=1%25`,
      );
      expect(compare.intersection).toBe(compare.size_b);
    });

    it('the top-k 1 % CSV ranks the served importance as prune keeps it (ties by lowest index)', async () => {
      const k = Math.ceil(0.01 * importance.length);
      const res = await fetch(`${server.url}${v1}/topk?k=1%25&format=csv`);
      expect(res.status).toBe(200);
      const lines = (await res.text()).split('\n');
      expect(lines.at(-1)).toBe('');
      const rows = lines.slice(1, -1);
      expect(rows).toHaveLength(k);
      const local = new Int32Array(k);
      const chosen = new Uint8Array(importance.length);
      let disorder = -1;
      for (let r = 0; r < k; r++) {
        const [, value, index] = rows[r]!.split(',', 3);
        local[r] = Number(index);
        if (chosen[local[r]!] || Number(value) !== importance[local[r]!]) disorder = r;
        chosen[local[r]!] = 1;
        // Most important first; equal values by ascending index.
        if (r > 0) {
          const a = importance[local[r - 1]!]!;
          const b = importance[local[r]!]!;
          if (a < b || (a === b && local[r - 1]! > local[r]!)) disorder = r;
        }
      }
      expect(disorder).toBe(-1);
      // Independently over the whole vector: everything above the k-th value is in, and of the
      // values equal to it exactly the lowest indices.
      const kth = importance[local[k - 1]!]!;
      let above = 0;
      let wrong = -1;
      for (let i = 0; i < importance.length; i++) {
        const v = importance[i]!;
        if (v > kth) {
          above++;
          if (!chosen[i]) wrong = i;
        }
      }
      let ties = k - above;
      for (let i = 0; i < importance.length; i++) {
        if (importance[i] !== kth) continue;
        if (ties > 0 !== (chosen[i] === 1)) wrong = i;
        ties--;
      }
      expect(wrong).toBe(-1);
      expect(above).toBeLessThan(k);
    });

    it('the word-embedding heatmap pools the 30522×768 parameter', async () => {
      const name = 'bert.embeddings.word_embeddings.weight';
      const heat = await getJson<{ rows: number; cols: number; max: number }>(
        server.url,
        `${v1}/params/${encodeURIComponent(name)}/heatmap?rows=64&cols=64`,
      );
      expect([heat.rows, heat.cols]).toEqual([64, 64]);
      expect(heat.max).toBe(params.find((p) => p.name === name)?.importance_max);
    });
  },
);
