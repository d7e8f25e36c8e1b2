import { readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { mkdtemp } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSafetensorsBuffer } from '../safetensors/index.js';
import { nonFiniteCopy } from '../test-support/non-finite-checkpoints.js';
import { loadCheckpoint } from './load-checkpoint.js';
import { nonFiniteTensors, nonFiniteWeights, scanNonFiniteWeights } from './non-finite-weights.js';

const ENC_W = 'encoder.0.linear.weight';
const DEC_W = 'decoder.0.linear.weight';

describe('non-finite weights', () => {
  let tmp: string;
  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'gradiend-non-finite-'));
  });
  afterAll(() => rm(tmp, { recursive: true, force: true }));

  it.each(['two-layer-all', 'dtype-float64', 'dtype-float16', 'dtype-bfloat16'])(
    '%s: the chunked file scan agrees with the loaded tensors, at every chunk size',
    async (fixture) => {
      const dir = await nonFiniteCopy(fixture, tmp, {
        [ENC_W]: [
          [0, NaN],
          [1, Infinity],
          [39, -Infinity],
        ],
        [DEC_W]: [[20, NaN]],
      });
      const file = path.join(dir, 'model.safetensors');
      const tensors = readSafetensorsBuffer(new Uint8Array(await readFile(file))).tensors();
      const expected = nonFiniteTensors(tensors);
      expect(expected).toEqual([
        { tensor: DEC_W, count: 1 },
        { tensor: ENC_W, count: 3 },
      ]);
      const names = [...tensors].map(([name]) => name);
      // One element, a few elements (chunks end mid-tensor) and the default chunk.
      for (const chunkBytes of [1, 8, 24, undefined]) {
        expect(await scanNonFiniteWeights(file, names, chunkBytes ? { chunkBytes } : {})).toEqual(expected);
      }
      expect(nonFiniteWeights((await loadCheckpoint(dir)).model.weights)).toEqual(expected);
    },
  );

  it('finite weights: nothing found', async () => {
    const dir = await nonFiniteCopy('two-layer-all', tmp, {});
    const file = path.join(dir, 'model.safetensors');
    expect(await scanNonFiniteWeights(file, [ENC_W, DEC_W], { chunkBytes: 8 })).toEqual([]);
    expect(nonFiniteWeights((await loadCheckpoint(dir)).model.weights)).toEqual([]);
  });
});
