import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCheckpoint } from '../../checkpoint/load-checkpoint.js';
import { mismatches, runOnnx } from '../../onnx/testing/run-onnx.js';
import { digitsPath, fixturePath } from '../../test-support/fixtures.js';
import { runCaptured, runJson, tempDir } from '../testing/run-captured.js';

function seeded(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    out[i] = (s / 2 ** 31) * 2 - 1;
  }
  return out;
}

describe('gradiend export-onnx', () => {
  it.each([
    ['digits', digitsPath('gradiend-digits-3-vs-8')],
    ['mixed-latent3', fixturePath('mixed-latent3', 'model')],
    ['layernorm-nobias', fixturePath('layernorm-nobias', 'model')],
  ])('%s: the written files run in onnxruntime-node and match model.encode/decode', async (_name, dir) => {
    const out = await tempDir('onnx');
    const got = await runJson<{ files: { name: string; bytes: number }[]; param_map_hash: string }>(
      'export-onnx',
      dir,
      '--out',
      out,
    );
    expect(got.files.map((f) => path.basename(f.name))).toEqual(['encoder.onnx', 'decoder.onnx']);
    const { model } = await loadCheckpoint(dir);
    expect(got.param_map_hash).toBe(model.paramMapHash());

    const batch = 3;
    const x = seeded(batch * model.inputDim, 7);
    const encoder = await readFile(path.join(out, 'encoder.onnx'));
    const encoded = await runOnnx(encoder, 'x', x, [batch, model.inputDim]);
    expect(mismatches(encoded.data, model.encode(x, batch), 1e-4, 1e-5)).toEqual([]);

    const latent = seeded(batch * model.latentDim, 11);
    const decoder = await readFile(path.join(out, 'decoder.onnx'));
    const decoded = await runOnnx(decoder, 'latent', latent, [batch, model.latentDim]);
    expect(mismatches(decoded.data, model.decode(latent, batch), 1e-4, 1e-6)).toEqual([]);
  });

  it('refuses to replace existing files without --force', async () => {
    const out = await tempDir('onnx-exists');
    await writeFile(path.join(out, 'encoder.onnx'), 'old');
    const refused = await runCaptured('export-onnx', fixturePath('two-layer-all', 'model'), '--out', out);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('already exists (use --force');
    const forced = await runCaptured(
      'export-onnx',
      fixturePath('two-layer-all', 'model'),
      '--out',
      out,
      '--force',
    );
    expect(forced.code).toBe(0);
    expect(forced.stdout).toMatch(/encoder\.onnx +\d+ /);
  });

  it('exits 2 without --out', async () => {
    expect((await runCaptured('export-onnx', fixturePath('two-layer-all', 'model'))).code).toBe(2);
  });
});
