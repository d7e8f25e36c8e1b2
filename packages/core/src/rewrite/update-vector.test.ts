import { describe, expect, it } from 'vitest';
import { loadCheckpoint } from '../checkpoint/load-checkpoint.js';
import { digitsPath, fixturePath } from '../test-support/fixtures.js';
import { weightSourceFromModel } from './gradiend-weight-source.js';
import { scaleInPlace, updateVector } from './update-vector.js';

describe('updateVector', () => {
  it('decoder: the one-pass readScaled equals read + scaleInPlace bit for bit, and model.decode', async () => {
    const { model } = await loadCheckpoint(digitsPath('gradiend-digits-3-vs-8'));
    const source = weightSourceFromModel(model);
    for (const ff of [1, -1, 0.37]) {
      const u = updateVector(source, 'decoder', [ff]);
      expect(u.readScaled).toBeDefined();
      const n = model.inputDim;
      const plain = await u.read(0, n);
      expect(plain).toEqual(model.decode([ff]));
      const fused = await u.readScaled?.(100, n - 200, 0.0123);
      expect(fused).toEqual(scaleInPlace(plain.slice(100, n - 100), 0.0123, 'float32'));
    }
  });

  it('decoder of a latent-3 model reads ranges of decoder(feature factors)', async () => {
    const { model } = await loadCheckpoint(fixturePath('mixed-latent3', 'model'));
    const u = updateVector(weightSourceFromModel(model), 'decoder', [-1, 0.5, 2]);
    expect(u.readScaled).toBeUndefined();
    const all = model.decode([-1, 0.5, 2]);
    expect(await u.read(3, 7)).toEqual(all.slice(3, 10));
  });
});
