import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ParamMap } from '../mapping/param-map.js';
import type { GradiendModel } from '../model/gradiend-model.js';
import type { PruneOptions } from '../model/prune-arguments.js';
import { EXACT_TIE_EMULATION_LIMIT } from '../model/topk/select-top-k.js';
import { fixturePath } from '../test-support/fixtures.js';
import { latentOneModel } from '../test-support/latent-one-model.js';
import { loadCheckpoint } from './load-checkpoint.js';
import { pruneStoredCheckpoint } from './prune-stored-checkpoint.js';
import { saveCheckpoint } from './save-checkpoint.js';

// Just above the exact tie emulation, where prune ranks the raw weights.
const N = EXACT_TIE_EMULATION_LIMIT + 1001;
const FIRST = 1 << 21;

/** Signed values with many repeated magnitudes, so ties straddle every boundary. */
function values(seed: number, out: Float32Array | Float64Array): Float32Array | Float64Array {
  let s = seed;
  for (let i = 0; i < out.length; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = (((s >>> 0) % 2001) - 1000) / 1000;
  }
  return out;
}

function largeModel(dtype: 'float32' | 'float64'): GradiendModel {
  const make = (n: number) => (dtype === 'float64' ? new Float64Array(n) : new Float32Array(n));
  const mask = new Uint8Array(2 * (N - FIRST));
  for (let i = 0; i < mask.length; i += 2) mask[i + ((i >> 1) % 2)] = 1;
  // An `all` parameter and a masked one, so the rewritten map has both kinds.
  return latentOneModel(
    {
      encoder: values(7, make(N)),
      encoderBias: make(1).fill(0.25),
      decoder: values(12345, make(N)),
      decoderBias: values(99, make(N)),
    },
    ParamMap.fromSpecs([
      { name: 'layer.0.weight', shape: [FIRST], repr: 'all' },
      { name: 'layer.1.weight', shape: [2, N - FIRST], repr: 'mask', mask },
    ]),
  );
}

const parent = await mkdtemp(path.join(os.tmpdir(), 'stored-prune-'));
afterAll(() => rm(parent, { recursive: true, force: true }));

async function saved(model: GradiendModel, name: string): Promise<Map<string, Buffer>> {
  const dir = path.join(parent, name);
  await saveCheckpoint(dir, model);
  const files = new Map<string, Buffer>();
  for (const file of (await readdir(dir)).sort()) files.set(file, await readFile(path.join(dir, file)));
  await rm(dir, { recursive: true });
  return files;
}

/** Byte-level equality without a deep compare of 50 MB per file (which takes vitest minutes). */
function expectSameFiles(a: Map<string, Buffer>, b: Map<string, Buffer>): void {
  expect([...a.keys()]).toEqual([...b.keys()]);
  for (const [name, bytes] of a) expect(bytes.equals(b.get(name)!), name).toBe(true);
}

describe.each(['float32', 'float64'] as const)(
  'pruning a stored %s checkpoint without loading it',
  (dtype) => {
    let source = '';
    it('saves the large model', async () => {
      source = path.join(parent, `source-${dtype}`);
      await saveCheckpoint(source, largeModel(dtype));
    });

    const keepIdx = Int32Array.from({ length: 5000 }, (_, i) => (i * 7919) % N);
    const cases: [string, PruneOptions][] = [
      ['top-k 3000', { topk: 3000 }],
      ['top-k 1 %', { topk: { fraction: 0.01 } }],
      ['a threshold', { threshold: 0.9 }],
      ['top-k by the encoder weights', { topk: 2000, part: 'encoder-weight' }],
      ['top-k by the decoder bias', { topk: 2000, part: 'decoder-bias' }],
      ['a mask and top-k', { topk: 1500, mask: Uint8Array.from({ length: N }, (_, i) => i % 3) }],
      ['explicit indices', { keepIdx }],
    ];
    it.each(cases)('%s gives the loaded model’s prune, file for file', async (_, options) => {
      const streamed = await pruneStoredCheckpoint(source, options);
      const loaded = (await loadCheckpoint(source)).model.prune(options);
      expect(streamed).not.toBeNull();
      expect(streamed!.keepIdx).toEqual(loaded.keepIdx);
      expect(streamed!.headers.architecture.inputDim).toBe(N);
      expectSameFiles(await saved(streamed!.model, 'streamed'), await saved(loaded.model, 'loaded'));
    });

    it('fails on bad arguments as prune does', async () => {
      const options = { topk: 0 };
      const loaded = await loadCheckpoint(source);
      expect(() => loaded.model.prune(options)).toThrow();
      await expect(pruneStoredCheckpoint(source, options)).rejects.toThrow(
        (() => {
          try {
            loaded.model.prune(options);
          } catch (error) {
            return (error as Error).message;
          }
          return 'no error';
        })(),
      );
    });

    it('leaves what it does not take to the loaded model', async () => {
      for (const options of [
        { topk: { fraction: 1 } },
        { topk: 10, part: 'decoder-sum' },
        { topk: 10, inplace: true },
      ] as const)
        expect(await pruneStoredCheckpoint(source, options)).toBeNull();
    });
  },
);

describe('checkpoints the stored prune does not take', () => {
  it.each(['bert-shaped-224k', 'mixed-latent3', 'dtype-float16'])(
    '%s (small, latent > 1 or float16)',
    async (name) => {
      expect(await pruneStoredCheckpoint(fixturePath(name, 'model'), { topk: 3 })).toBeNull();
    },
  );
});
