import { IMPORTANCE_PARTS } from '@gradiend/core';
import { loadCheckpoint, readCheckpoint } from '@gradiend/core/node';
import { describe, expect, it } from 'vitest';
import { fixturePath } from '../test-support/fixtures.js';
import { readTensorImportance } from './tensor-importance.js';

describe('readTensorImportance', () => {
  it.each(['bert-shaped-224k', 'two-layer-all'])(
    '%s (float32, latent 1): every part equals the core importance of the loaded model',
    async (fixture) => {
      const dir = fixturePath(fixture, 'model');
      const headers = await readCheckpoint(dir, { weights: 'headers' });
      const { model } = await loadCheckpoint(dir);
      for (const part of IMPORTANCE_PARTS) {
        const read = await readTensorImportance(headers, part);
        expect(read, part).not.toBeNull();
        expect(read!.buffer).toBeInstanceOf(SharedArrayBuffer);
        const core = Float32Array.from(model.importance(part));
        // Bit for bit (a float comparison would equate ±0 and fail on NaN).
        expect(Buffer.from(read!.buffer).equals(Buffer.from(core.buffer)), part).toBe(true);
      }
    },
  );

  it.each(['mixed-latent3', 'dtype-float16', 'dtype-float64', 'torch-bin-format'])(
    '%s: not read from one tensor (the model is loaded instead)',
    async (fixture) => {
      const headers = await readCheckpoint(fixturePath(fixture, 'model'), { weights: 'headers' });
      for (const part of IMPORTANCE_PARTS) expect(await readTensorImportance(headers, part)).toBeNull();
    },
  );
});
