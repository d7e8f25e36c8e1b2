import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GradiendError } from '../errors.js';
import { readSafetensorsBuffer, serializeSafetensors } from '../safetensors/index.js';
import { toFloat64 } from '../tensor/convert.js';
import { caseModelDir } from '../test-support/expected.js';
import {
  MALFORMED_CHECKPOINTS,
  malformedCopy,
  rejectionFacts,
} from '../test-support/malformed-checkpoints.js';
import { assembleModel } from './assemble-model.js';
import { parseCheckpointConfig } from './checkpoint-config.js';
import { inspectCheckpoint } from './inspect-checkpoint.js';
import { loadCheckpoint } from './load-checkpoint.js';

const parent = await mkdtemp(path.join(os.tmpdir(), 'reader-'));
afterAll(() => rm(parent, { recursive: true, force: true }));

/** How inspectCheckpoint turns a checkpoint down: by throwing, or by listing the problem loading would throw. */
async function inspectRejection(dir: string): Promise<unknown> {
  return inspectCheckpoint(dir).then(
    (inspection) => inspection.problems[0] ?? null,
    (error: unknown) => error,
  );
}

describe('one set of rules: loadCheckpoint and inspectCheckpoint reject a broken checkpoint the same way', () => {
  it.each(MALFORMED_CHECKPOINTS.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const dir = await malformedCopy(c, parent);
    const loaded = await loadCheckpoint(dir).then(
      () => null,
      (error: unknown) => error,
    );
    expect(loaded).toBeInstanceOf(GradiendError);
    expect((loaded as GradiendError).code).toBe(c.code);
    expect((loaded as Error).message).toMatch(c.message);
    expect(rejectionFacts(await inspectRejection(dir))).toEqual(rejectionFacts(loaded));
  });

  it('lists every problem in the order loading meets them, the first being what loading throws', async () => {
    const dir = await malformedCopy(
      MALFORMED_CHECKPOINTS.find((c) => c.name === 'input_dim disagreeing with the weights') ??
        (MALFORMED_CHECKPOINTS[0] as never),
      parent,
    );
    const { problems } = await inspectCheckpoint(dir);
    expect(problems.map((p) => p.message)).toEqual([
      "model.safetensors: weight 'encoder.0.linear.weight' has shape [1, 60], expected [1, 61]",
      "model.safetensors: weight 'decoder.0.linear.weight' has shape [60, 1], expected [61, 1]",
      "model.safetensors: weight 'decoder.0.linear.bias' has shape [60], expected [61]",
      'param map selects 60 entries in total but input_dim is 61',
    ]);
    expect(problems.map((p) => p.code)).toEqual([
      'GRADIEND_ERR_CHECKPOINT',
      'GRADIEND_ERR_CHECKPOINT',
      'GRADIEND_ERR_CHECKPOINT',
      'GRADIEND_ERR_MAPPING',
    ]);
  });

  it('assembleModel (in-memory parts, browser entry) applies the same weight rules', async () => {
    const dir = await malformedCopy(
      MALFORMED_CHECKPOINTS.find((c) => c.name === 'a missing decoder bias') ??
        (MALFORMED_CHECKPOINTS[0] as never),
      parent,
    );
    const loaded = await loadCheckpoint(dir).catch((e: unknown) => e);
    const weights = readSafetensorsBuffer(
      new Uint8Array(await readFile(path.join(dir, 'model.safetensors'))),
    ).tensors();
    const config = parseCheckpointConfig(await readFile(path.join(dir, 'config.json'), 'utf8'));
    let assembled: unknown = null;
    try {
      assembleModel({ config, weights, mappingIndices: null, mappingMasks: null });
    } catch (e) {
      assembled = e;
    }
    expect(rejectionFacts(assembled)).toEqual(rejectionFacts(loaded));
  });

  it('accepts weights in another float dtype and casts them to torch_dtype, on both paths', async () => {
    const dir = await mkdtemp(path.join(parent, 'f64-'));
    await cp(caseModelDir('two-layer-all'), dir, { recursive: true });
    const file = path.join(dir, 'model.safetensors');
    const tensors = readSafetensorsBuffer(new Uint8Array(await readFile(file))).tensors();
    const f32 = new Map(tensors);
    for (const [name, t] of tensors) tensors.set(name, { dtype: 'F64', shape: t.shape, data: toFloat64(t) });
    await writeFile(file, serializeSafetensors(tensors));
    expect((await inspectCheckpoint(dir)).problems).toEqual([]);
    const { model } = await loadCheckpoint(dir);
    expect(model.weights.encoderWeight.dtype).toBe('F32');
    expect(Array.from(model.weights.decoderWeight.data as Float32Array)).toEqual(
      Array.from(f32.get('decoder.0.linear.weight')?.data as Float32Array),
    );
  });
});
