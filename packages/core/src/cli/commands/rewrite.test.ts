import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSafetensorsBuffer } from '../../safetensors/index.js';
import { toFloat64 } from '../../tensor/convert.js';
import { fixturePath } from '../../test-support/fixtures.js';
import { runCaptured, runJson, tempDir } from '../testing/run-captured.js';

const CASE_DIR = fixturePath('mixed-latent3', 'rewrite', 'prune0');

interface Expected {
  checkpoint: string;
  rewrites: { args: { learning_rate: number; feature_factor: number[]; part: string }; out: string }[];
}

async function tensors(file: string) {
  return readSafetensorsBuffer(new Uint8Array(await readFile(file))).tensors();
}

function maxRelError(a: Float64Array, e: Float64Array): number {
  let worst = 0;
  for (let i = 0; i < e.length; i++)
    worst = Math.max(
      worst,
      Math.abs((a[i] as number) - (e[i] as number)) / (1e-6 + Math.abs(e[i] as number)),
    );
  return worst;
}

describe('gradiend rewrite / patch', () => {
  it('rewrites like the reference (latent 3, masked mapping, one feature factor per neuron)', async () => {
    const expected = JSON.parse(await readFile(path.join(CASE_DIR, 'expected.json'), 'utf8')) as Expected;
    const gradiend = fixturePath('mixed-latent3', expected.checkpoint);
    const tmp = await tempDir('rewrite');
    for (const [i, r] of expected.rewrites.entries()) {
      const out = path.join(tmp, `out-${i}.safetensors`);
      const doc = await runJson<{ rewritten_values: number; part: string }>(
        'rewrite',
        gradiend,
        path.join(CASE_DIR, 'base.safetensors'),
        `--lr=${r.args.learning_rate}`,
        `--feature-factor=${r.args.feature_factor.join(',')}`,
        '--part',
        r.args.part,
        '--out',
        out,
      );
      expect(doc.part).toBe(r.args.part);
      const want = await tensors(path.join(CASE_DIR, r.out));
      const got = await tensors(out);
      for (const [name, t] of want)
        expect(maxRelError(toFloat64(got.get(name) as never), toFloat64(t)), name).toBeLessThan(1e-4);
    }
  });

  it('refuses an existing --out without --force, and a missing --lr as a usage error', async () => {
    const tmp = await tempDir('rewrite-out');
    const base = path.join(CASE_DIR, 'base.safetensors');
    const gradiend = fixturePath('mixed-latent3', 'prune0');
    const out = path.join(tmp, 'x.safetensors');
    const args = ['rewrite', gradiend, base, '--lr', '0.1', '--feature-factor', '1,1,1', '--out', out];
    expect((await runCaptured(...args)).code).toBe(0);
    const again = await runCaptured(...args);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('--force');
    expect((await runCaptured(...args, '--force')).code).toBe(0);
    expect((await runCaptured('rewrite', gradiend, base, '--out', out)).code).toBe(2);
    const bad = await runCaptured(
      'rewrite',
      gradiend,
      base,
      '--lr',
      '1',
      '--feature-factor',
      '1',
      '--out',
      path.join(tmp, 'y'),
    );
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('GRADIEND_ERR_REWRITE');
  });

  it('writes a patch with one indices/values pair per mapped parameter', async () => {
    const tmp = await tempDir('patch');
    const out = path.join(tmp, 'patch.safetensors');
    const doc = await runJson<{ params: number; values: number }>(
      'patch',
      fixturePath('mixed-latent3', 'prune0'),
      '--lr',
      '0.5',
      '--feature-factor=-1,0.5,0.5',
      '--out',
      out,
    );
    const patch = await tensors(out);
    expect(patch.size).toBe(2 * doc.params);
    let values = 0;
    for (const [name, t] of patch) if (name.endsWith(':values')) values += t.data.length;
    expect(values).toBe(doc.values);
  });

  it('--scale-from-training multiplies the learning rate by training.json input_scale', async () => {
    const tmp = await tempDir('patch-scale');
    const gradiend = fixturePath('..', '..', 'demo', 'digits', 'gradiend-digits-3-vs-8');
    const training = JSON.parse(await readFile(path.join(gradiend, 'training.json'), 'utf8')) as {
      input_scale: number;
    };
    const plain = await runJson<{ applied_learning_rate: number }>(
      'patch',
      gradiend,
      '--lr',
      '0.01',
      '--out',
      path.join(tmp, 'a'),
    );
    const scaled = await runJson<{ applied_learning_rate: number; input_scale: number }>(
      'patch',
      gradiend,
      '--lr',
      '0.01',
      '--scale-from-training',
      '--out',
      path.join(tmp, 'b'),
    );
    expect(plain.applied_learning_rate).toBe(0.01);
    expect(scaled.input_scale).toBe(training.input_scale);
    const a = (await tensors(path.join(tmp, 'a'))).get('fc1.weight:values');
    const b = (await tensors(path.join(tmp, 'b'))).get('fc1.weight:values');
    const ratio = (b?.data[5] as number) / (a?.data[5] as number);
    expect(ratio).toBeCloseTo(training.input_scale, 4);
  });
});
