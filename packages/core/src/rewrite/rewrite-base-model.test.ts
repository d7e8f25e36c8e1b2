import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCheckpoint } from '../checkpoint/load-checkpoint.js';
import { RewriteError } from '../errors.js';
import { scatterToParams } from '../model/gradient-dict.js';
import type { GradiendModel } from '../model/gradiend-model.js';
import { readSafetensorsBuffer, serializeSafetensors } from '../safetensors/index.js';
import { readSafetensorsHeaderFromFile } from '../safetensors/read-header-file.js';
import {
  encodeBf16Array,
  encodeHalfArray,
  halfToFloat,
  bf16ToFloat,
  floatToHalf,
  floatToBf16,
} from '../tensor/half.js';
import type { Tensor } from '../tensor/tensor.js';
import { fixturePath } from '../test-support/fixtures.js';
import { BASE_INDEX_FILE } from './base-model-files.js';
import { weightSourceFromModel } from './gradiend-weight-source.js';
import { rewriteBaseModel } from './rewrite-base-model.js';

const CASE = 'two-layer-all';
let tmp: string;
let model: GradiendModel;
let base: Map<string, Tensor>;

async function readTensors(file: string): Promise<Map<string, Tensor>> {
  return readSafetensorsBuffer(new Uint8Array(await readFile(file))).tensors();
}

/** θ + lr · decoder(ff) computed in memory through the model's own decode and scatterToParams. */
function expectedByDecode(lr: number, ff: number[]): Map<string, Float64Array> {
  const u = model.decode(ff);
  const delta = scatterToParams(model.paramMap, u, (n) => new Float32Array(n));
  const out = new Map<string, Float64Array>();
  for (const [name, d] of delta) {
    const b = base.get(name) as Tensor;
    const data = Float64Array.from(b.data as Float32Array);
    for (let i = 0; i < data.length; i++)
      data[i] = Math.fround((data[i] as number) + Math.fround(lr * (d.data[i] as number)));
    out.set(name, data);
  }
  return out;
}

function write(file: string, tensors: Map<string, Tensor>, metadata?: Record<string, string>): Promise<void> {
  return writeFile(file, serializeSafetensors(tensors, metadata));
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'gradiend-rewrite-test-'));
  model = (await loadCheckpoint(fixturePath(CASE, 'model'))).model;
  base = await readTensors(fixturePath(CASE, 'rewrite', 'model', 'base.safetensors'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('rewriteBaseModel', () => {
  it('adds lr · decoder(ff) at the mapped positions and copies the rest byte for byte', async () => {
    const out = path.join(tmp, 'plain.safetensors');
    const baseFile = path.join(tmp, 'plain-base.safetensors');
    await write(baseFile, base, { format: 'pt', note: 'kept' });
    const summary = await rewriteBaseModel(weightSourceFromModel(model), baseFile, out, {
      learningRate: 0.5,
      featureFactor: [-1],
    });
    expect(summary.rewrittenValues).toBe(model.inputDim);
    const got = await readTensors(out);
    const want = expectedByDecode(0.5, [-1]);
    for (const [name, w] of want) {
      const g = got.get(name) as Tensor;
      const diffs = [...w].filter((v, i) => Math.abs(v - (g.data[i] as number)) > 1e-6 * (1 + Math.abs(v)));
      expect(diffs, name).toEqual([]);
    }
    expect(want.size).toBeGreaterThan(0);
    expect(got.get('unmapped.head.weight')?.data).toEqual(base.get('unmapped.head.weight')?.data);
    expect((await readSafetensorsHeaderFromFile(out)).metadata).toEqual({ format: 'pt', note: 'kept' });
  });

  it('gives the same file whether it rewrites in one pass or copies the shard first (mostly unmapped)', async () => {
    // A large unmapped tensor makes the rewritten share small, so the copy-then-overwrite path runs.
    const big = new Map(base);
    big.set('unmapped.big', {
      dtype: 'F32',
      shape: [50_000],
      data: new Float32Array(50_000).map((_, i) => i),
    });
    const baseFile = path.join(tmp, 'big-base.safetensors');
    await write(baseFile, big, { k: 'v' });
    const out = path.join(tmp, 'big-out.safetensors');
    await rewriteBaseModel(weightSourceFromModel(model), baseFile, out, {
      learningRate: 0.5,
      featureFactor: [-1],
    });
    const got = await readTensors(out);
    expect(got.get('unmapped.big')?.data).toEqual(big.get('unmapped.big')?.data);
    for (const [name, w] of expectedByDecode(0.5, [-1])) {
      expect(Float64Array.from(got.get(name)?.data as Float32Array), name).toEqual(w);
    }
    expect((await readSafetensorsHeaderFromFile(out)).metadata).toEqual({ k: 'v' });
    // Byte for byte like the one-pass rewrite of the same tensors apart from the extra one.
    const header = await readSafetensorsHeaderFromFile(out);
    expect((await readFile(out)).length).toBe(header.fileByteLength);
  });

  it('rewrites a folder of Hugging Face shards shard by shard and copies the other files', async () => {
    const folder = path.join(tmp, 'sharded');
    await mkdir(folder);
    const names = [...base.keys()];
    const shardOf = (name: string): string =>
      name === 'unmapped.head.weight'
        ? 'model-00002-of-00002.safetensors'
        : 'model-00001-of-00002.safetensors';
    for (const shard of new Set(names.map(shardOf))) {
      await write(
        path.join(folder, shard),
        new Map(names.filter((n) => shardOf(n) === shard).map((n) => [n, base.get(n) as Tensor])),
      );
    }
    const index = {
      metadata: { total_size: 0 },
      weight_map: Object.fromEntries(names.map((n) => [n, shardOf(n)])),
    };
    await writeFile(path.join(folder, BASE_INDEX_FILE), JSON.stringify(index));
    await writeFile(path.join(folder, 'config.json'), '{"model_type": "test"}');
    const out = path.join(tmp, 'sharded-out');
    const progress: number[] = [];
    await rewriteBaseModel(weightSourceFromModel(model), folder, out, {
      learningRate: 0.5,
      featureFactor: [-1],
      onProgress: (p) => progress.push(p.bytesDone / p.bytesTotal),
    });
    expect((await readdir(out)).sort()).toEqual((await readdir(folder)).sort());
    expect(await readFile(path.join(out, 'model-00002-of-00002.safetensors'))).toEqual(
      await readFile(path.join(folder, 'model-00002-of-00002.safetensors')),
    );
    expect(await readFile(path.join(out, 'config.json'), 'utf8')).toBe('{"model_type": "test"}');
    const single = await readTensors(path.join(tmp, 'plain.safetensors'));
    const shard1 = await readTensors(path.join(out, 'model-00001-of-00002.safetensors'));
    for (const [name, t] of shard1) expect(t.data, name).toEqual(single.get(name)?.data);
    expect(progress.length).toBe(names.length);
    expect(progress.at(-1)).toBe(1);
  });

  it.each([
    ['F16', encodeHalfArray, halfToFloat, floatToHalf],
    ['BF16', encodeBf16Array, bf16ToFloat, floatToBf16],
  ] as const)(
    'keeps a %s base in its dtype and adds like torch (float32 sum, rounded once)',
    async (dtype, encode, decode, round) => {
      const half = new Map<string, Tensor>();
      for (const [name, t] of base)
        half.set(name, { dtype, shape: t.shape, data: encode(t.data as Float32Array) });
      const baseFile = path.join(tmp, `${dtype}.safetensors`);
      await write(baseFile, half);
      const out = path.join(tmp, `${dtype}-out.safetensors`);
      await rewriteBaseModel(weightSourceFromModel(model), baseFile, out, {
        learningRate: 0.5,
        featureFactor: [1],
      });
      const got = await readTensors(out);
      const u = scatterToParams(model.paramMap, model.decode([1]), (n) => new Float32Array(n));
      for (const [name, d] of u) {
        const h = half.get(name)?.data as Uint16Array;
        const want = Uint16Array.from(h, (v, i) =>
          round(Math.fround(decode(v) + Math.fround(0.5 * (d.data[i] as number)))),
        );
        const g = got.get(name) as Tensor;
        expect(g.dtype).toBe(dtype);
        expect(g.data, name).toEqual(want);
      }
    },
  );

  it('finds parameters under a module. prefix, without it, or inside a wrapper (unique suffix)', async () => {
    for (const rename of [(n: string) => `module.${n}`, (n: string) => `model.backbone.${n}`]) {
      const renamed = new Map([...base].map(([n, t]) => [n === 'unmapped.head.weight' ? n : rename(n), t]));
      const baseFile = path.join(tmp, 'renamed.safetensors');
      await write(baseFile, renamed);
      const out = path.join(tmp, 'renamed-out.safetensors');
      await rewriteBaseModel(weightSourceFromModel(model), baseFile, out, {
        learningRate: 0.5,
        featureFactor: [-1],
      });
      const got = await readTensors(out);
      for (const [name, w] of expectedByDecode(0.5, [-1])) {
        expect(Float64Array.from(got.get(rename(name))?.data as Float32Array), name).toEqual(w);
      }
    }
  });

  it.each([
    ['a parameter the base lacks', { drop: true }, 'KeyError'],
    ['a feature factor per latent neuron missing', { featureFactor: [1, 1] }, 'RuntimeError'],
    ['an unknown part', { part: 'decoder-everything' }, 'ValueError'],
  ] as const)('refuses %s (%s) and writes nothing', async (_what, opts, type) => {
    const tensors = new Map(base);
    if ('drop' in opts) tensors.delete([...model.paramMap.entries][0]?.name as string);
    const baseFile = path.join(tmp, 'bad-base.safetensors');
    await write(baseFile, tensors);
    const out = path.join(tmp, 'bad-out.safetensors');
    const run = rewriteBaseModel(weightSourceFromModel(model), baseFile, out, {
      learningRate: 1,
      featureFactor: 'featureFactor' in opts ? opts.featureFactor : [1],
      ...('part' in opts ? { part: opts.part as never } : {}),
    });
    await expect(run).rejects.toBeInstanceOf(RewriteError);
    await expect(run).rejects.toMatchObject({ referenceType: type });
    expect((await readdir(tmp)).filter((f) => f.includes('bad-out'))).toEqual([]);
  });

  it('refuses a flattened weight matrix that does not match the mapping (latent 3, ValueError)', async () => {
    const m3 = (await loadCheckpoint(fixturePath('mixed-latent3', 'model'))).model;
    const b3 = fixturePath('mixed-latent3', 'rewrite', 'model', 'base.safetensors');
    await expect(
      rewriteBaseModel(weightSourceFromModel(m3), b3, path.join(tmp, 'l3.safetensors'), {
        learningRate: 1,
        part: 'decoder-weight',
      }),
    ).rejects.toMatchObject({ referenceType: 'ValueError' });
  });
});
