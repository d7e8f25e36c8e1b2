import { rm } from 'node:fs/promises';
import { nonFiniteCopy, type NonFiniteEdits } from '@gradiend/core/test-support';
import { describe, expect, it } from 'vitest';
import { useUploadApps } from '../test-support/upload-apps.js';

const ENC_W = 'encoder.0.linear.weight';
const DEC_W = 'decoder.0.linear.weight';
const DEC_B = 'decoder.0.linear.bias';

/**
 * A checkpoint whose weights hold NaN or ±Inf is refused at upload (its importance, top-k and
 * params could not be answered), naming each tensor and how many of its values are not finite.
 * Both the fully loaded path and the header-only path (weights scanned from the file in chunks).
 */
describe('uploads with non-finite weights', () => {
  const apps = useUploadApps();

  const cases: ReadonlyArray<readonly [string, string, NonFiniteEdits, Record<string, number>]> = [
    ['one NaN (F32)', 'two-layer-all', { [DEC_W]: [[3, NaN]] }, { [DEC_W]: 1 }],
    [
      'NaN and ±Inf in two tensors (F32)',
      'two-layer-all',
      {
        [ENC_W]: [
          [0, Infinity],
          [59, -Infinity],
        ],
        [DEC_B]: [[7, NaN]],
      },
      { [ENC_W]: 2, [DEC_B]: 1 },
    ],
    ['Inf (F64)', 'dtype-float64', { [DEC_W]: [[0, Infinity]] }, { [DEC_W]: 1 }],
    [
      'NaN and -Inf (F16)',
      'dtype-float16',
      {
        [ENC_W]: [
          [1, NaN],
          [2, -Infinity],
        ],
      },
      { [ENC_W]: 2 },
    ],
    ['NaN (BF16)', 'dtype-bfloat16', { [DEC_W]: [[39, NaN]] }, { [DEC_W]: 1 }],
  ];

  it.each(cases)('%s → 422 naming the tensors and counts', async (_what, fixture, edits, counts) => {
    const dir = await nonFiniteCopy(fixture, apps.tmpDir, edits);
    try {
      for (const t of [apps.loads, apps.headers]) {
        const res = await apps.upload(t, dir, 'nf');
        expect(res.statusCode, res.body).toBe(422);
        expect(res.headers['content-type']).toContain('application/problem+json');
        const body = res.json<Record<string, unknown>>();
        expect(body.code).toBe('GRADIEND_ERR_CHECKPOINT_NOT_FINITE');
        expect(body.file).toBe('model.safetensors');
        expect(body.non_finite).toEqual(
          Object.entries(counts)
            .map(([tensor, count]) => ({ tensor, count }))
            .sort((a, b) => a.tensor.localeCompare(b.tensor)),
        );
        for (const [tensor, count] of Object.entries(counts)) {
          expect(body.detail).toContain(`${tensor} (${count} `);
        }
        expect((await t.app.inject('/api/models')).json().total).toBe(0);
        expect(await t.leftovers()).toEqual([]);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('the same checkpoints with finite weights still upload on both paths', async () => {
    for (const fixture of ['two-layer-all', 'dtype-float64', 'dtype-float16', 'dtype-bfloat16']) {
      const dir = await nonFiniteCopy(fixture, apps.tmpDir, { [DEC_W]: [[0, 65504]] });
      try {
        for (const t of [apps.loads, apps.headers]) {
          const res = await apps.upload(t, dir, 'nf');
          expect(res.statusCode, res.body).toBe(201);
          const version = res.json<{ version: number }>().version;
          expect((await t.app.inject(`/api/models/nf/versions/${version}/topk?k=3`)).statusCode).toBe(200);
          expect(
            (await t.app.inject({ method: 'DELETE', url: `/api/models/nf/versions/${version}` })).statusCode,
          ).toBe(200);
        }
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    }
  });
});
