import { readCheckpoint } from '@gradiend/core/node';
import { describe, expect, it } from 'vitest';
import { fixturePath } from '../test-support/fixtures.js';
import type { PortWriter } from '../workers/port-stream.js';
import { TOPK_ROWS_PER_CHUNK, streamTopk } from './topk-stream.js';
import { topkCsv, topkRows } from './topk-rows.js';

/** Collects what streamTopk sends, as one string. */
async function streamed(...args: Parameters<typeof streamTopk> extends [unknown, ...infer R] ? R : never) {
  let text = '';
  const out = { send: async (chunk: string) => ((text += chunk), true) } as unknown as PortWriter;
  const rows = await streamTopk(out, ...args);
  return { text, rows };
}

describe('streamTopk', () => {
  it.each(['mixed-latent3', 'bert-shaped-224k', 'two-layer-all'])(
    '%s: the same rows as topkRows + the CSV/JSON writers (the param map decoding them)',
    async (fixture) => {
      const { paramMap } = await readCheckpoint(fixturePath(fixture, 'model'), { weights: 'headers' });
      const n = paramMap.selectedTotal;
      // Every dim, in a scrambled order, with made-up importances (NaN and -0 among them).
      const indices = Int32Array.from({ length: n }, (_, i) => (i * 7919) % n);
      const values = Float32Array.from({ length: n }, (_, i) => (i === 3 ? NaN : i === 5 ? -0 : 1 / (i + 1)));
      const reference = topkRows(paramMap, indices, values);
      const csv = await streamed(paramMap, indices, values, 'csv', { part: 'decoder-weight', k: n });
      expect(csv.rows).toBe(n);
      expect(csv.text === topkCsv(reference)).toBe(true);
      const json = await streamed(paramMap, indices, values, 'json', { part: 'decoder-weight', k: '100%' });
      expect(
        json.text === `${JSON.stringify({ part: 'decoder-weight', k: '100%', items: reference })}\n`,
      ).toBe(true);
      // The BERT-shaped fixture spans several chunks.
      if (fixture === 'bert-shaped-224k') expect(n).toBeGreaterThan(TOPK_ROWS_PER_CHUNK);
    },
  );
});
