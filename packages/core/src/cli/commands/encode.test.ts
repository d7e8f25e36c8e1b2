import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCheckpoint } from '../../checkpoint/load-checkpoint.js';
import { readSafetensorsBuffer, serializeSafetensors } from '../../safetensors/index.js';
import { toFloat64 } from '../../tensor/convert.js';
import { digitsPath } from '../../test-support/fixtures.js';
import { runCaptured, runJson, tempDir } from '../testing/run-captured.js';
import type { Encoding } from './encode.js';

interface DigitsIndex {
  readonly input_scale: number;
  readonly samples: readonly { readonly file: string; readonly encoded_after_input_scale: number }[];
}

const MODEL = digitsPath('gradiend-digits-3-vs-8');
const index = JSON.parse(readFileSync(digitsPath('gradients', 'index.json'), 'utf8')) as DigitsIndex;
const sampleFiles = index.samples.map((s) => digitsPath('gradients', s.file));

function expectClose(actual: readonly number[], expected: readonly number[]): void {
  expect(actual).toHaveLength(expected.length);
  const bad = expected.flatMap((e, i) => {
    const a = actual[i] as number;
    return Math.abs(a - e) <= 1e-4 * Math.abs(e) + 1e-6 ? [] : [{ i, a, e }];
  });
  expect(bad).toEqual([]);
}

describe('gradiend encode', () => {
  const reference = index.samples.map((s) => s.encoded_after_input_scale);

  it('reproduces the 24 reference encodings of the digits demo with --scale-from-training', async () => {
    expect(sampleFiles).toHaveLength(24);
    const got = await runJson<{ scale: number; encodings: Encoding[] }>(
      'encode',
      MODEL,
      ...sampleFiles,
      '--scale-from-training',
    );
    expect(got.scale).toBe(index.input_scale);
    expect(got.encodings.map((e) => e.source)).toEqual(sampleFiles);
    expectClose(
      got.encodings.map((e) => e.encoded[0] as number),
      reference,
    );
  });

  it('encodes a raw float32 batch the same way, and --scale S equals --scale-from-training', async () => {
    const { model } = await loadCheckpoint(MODEL);
    const batch = new Float32Array(24 * model.inputDim);
    sampleFiles.forEach((file, row) => {
      const tensors = readSafetensorsBuffer(readFileSync(file)).tensors();
      const grads = new Map([...tensors].map(([k, t]) => [k, { shape: t.shape, data: toFloat64(t) }]));
      batch.set(model.flattenGradientDict(grads), row * model.inputDim);
    });
    const raw = path.join(await tempDir('raw'), 'batch.f32');
    await writeFile(raw, new Uint8Array(batch.buffer));
    const got = await runJson<{ encodings: Encoding[] }>(
      'encode',
      MODEL,
      raw,
      '--scale',
      String(index.input_scale),
    );
    expect(got.encodings.map((e) => e.row)).toEqual([...Array(24).keys()]);
    expectClose(
      got.encodings.map((e) => e.encoded[0] as number),
      reference,
    );
  });

  it('accepts DDP `module.` prefixed gradient names', async () => {
    const grads = readSafetensorsBuffer(readFileSync(sampleFiles[0] as string)).tensors();
    const file = path.join(await tempDir('ddp'), 'ddp.safetensors');
    await writeFile(file, serializeSafetensors([...grads].map(([k, t]) => [`module.${k}`, t] as const)));
    const got = await runJson<{ encodings: Encoding[] }>('encode', MODEL, file, '--scale-from-training');
    expectClose([got.encodings[0]?.encoded[0] as number], [reference[0] as number]);
  });

  it('prints a table of latent values by default', async () => {
    const r = await runCaptured('encode', MODEL, sampleFiles[3] as string, '--scale-from-training');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^sample-03-digit8\.safetensors +-1$/m);
  });

  it('exits 1 on a malformed safetensors file, naming the format error', async () => {
    const file = path.join(await tempDir('bad'), 'bad.safetensors');
    const bytes = Buffer.alloc(16);
    bytes.writeBigUInt64LE(1_000_000n, 0);
    await writeFile(file, bytes);
    const r = await runCaptured('encode', MODEL, file);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: .*\[GRADIEND_ERR_SAFETENSORS_FORMAT\]$/m);
  });

  it('exits 1 when a raw batch is not a whole number of rows or a gradient is missing', async () => {
    const tmp = await tempDir('shape');
    await writeFile(path.join(tmp, 'short.f32'), new Uint8Array(4 * 2409));
    const short = await runCaptured('encode', MODEL, path.join(tmp, 'short.f32'));
    expect(short.code).toBe(1);
    expect(short.stderr).toContain('[GRADIEND_ERR_INPUT_SHAPE]');

    const grads = readSafetensorsBuffer(readFileSync(sampleFiles[0] as string)).tensors();
    grads.delete('fc2.bias');
    await writeFile(path.join(tmp, 'partial.safetensors'), serializeSafetensors(grads));
    const partial = await runCaptured('encode', MODEL, path.join(tmp, 'partial.safetensors'));
    expect(partial.code).toBe(1);
    expect(partial.stderr).toContain("'fc2.bias' is missing");
  });

  it('exits 2 on an input of unknown kind, a missing input or conflicting scale flags', async () => {
    expect((await runCaptured('encode', MODEL, 'grads.npy')).code).toBe(2);
    expect((await runCaptured('encode', MODEL)).code).toBe(2);
    const both = await runCaptured(
      'encode',
      MODEL,
      sampleFiles[0] as string,
      '--scale',
      '2',
      '--scale-from-training',
    );
    expect(both.code).toBe(2);
    expect((await runCaptured('encode', MODEL, sampleFiles[0] as string, '--scale', 'x')).code).toBe(2);
  });

  it('exits 1 for --scale-from-training on a checkpoint without training.json', async () => {
    const { fixturePath } = await import('../../test-support/fixtures.js');
    const raw = path.join(await tempDir('notrain'), 'x.f32');
    await writeFile(raw, new Uint8Array(4 * 60));
    const r = await runCaptured(
      'encode',
      fixturePath('two-layer-all', 'model'),
      raw,
      '--scale-from-training',
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('input_scale');
  });
});
