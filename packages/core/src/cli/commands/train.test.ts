import { readdir, readFile, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCheckpoint } from '../../checkpoint/load-checkpoint.js';
import { digitsPath } from '../../test-support/fixtures.js';
import { runCaptured, runJson, tempDir } from '../testing/run-captured.js';

interface TrainJson {
  readonly input_dim: number;
  readonly param_map_hash: string;
  readonly training_samples: number;
  readonly feature_class_encoding_direction: Record<string, number>;
  readonly files: string[];
}

// The reference demo's folder holds factual gradients only, so the decoder reproduces them.
const FLAGS = [
  '--source',
  'factual',
  '--target',
  'factual',
  '--lr',
  '1e-3',
  '--epochs',
  '20',
  '--eval-steps',
  '100',
];

describe('gradiend train', () => {
  it('trains on the reference demo’s 24 samples bit-for-bit reproducibly with a seed', async () => {
    const samples = digitsPath('gradients');
    const [a, b, c] = await Promise.all([tempDir('train-a-'), tempDir('train-b-'), tempDir('train-c-')]);
    const ra = await runJson<TrainJson>('train', samples, '--out', a, '--seed', '11', ...FLAGS);
    await runJson<TrainJson>('train', samples, '--out', b, '--seed', '11', ...FLAGS);
    await runJson<TrainJson>('train', samples, '--out', c, '--seed', '12', ...FLAGS);
    expect(ra.training_samples).toBe(24);
    expect(ra.input_dim).toBe(2410);
    // The reference demo's first sample is a 3: the pair convention makes 3 → +1, 8 → −1, as its context says.
    expect(ra.feature_class_encoding_direction).toEqual({ 3: 1, 8: -1 });
    const files = (await readdir(a)).sort();
    expect(files).toEqual(['config.json', 'gradiend_context.json', 'model.safetensors', 'training.json']);
    for (const f of files) {
      const [fa, fb] = await Promise.all([readFile(path.join(a, f)), readFile(path.join(b, f))]);
      expect(fa.equals(fb), f).toBe(true);
    }
    const [wa, wc] = await Promise.all([
      readFile(path.join(a, 'model.safetensors')),
      readFile(path.join(c, 'model.safetensors')),
    ]);
    expect(wa.equals(wc)).toBe(false);
    const loaded = await loadCheckpoint(a);
    expect(loaded.gradiendContext).toEqual({
      source: 'factual',
      target: 'factual',
      feature_class_encoding_direction: { 3: 1, 8: -1 },
    });
    expect((loaded.training as { losses: number[] }).losses).toHaveLength(24 * 20);
    // The samples' safetensors order is alphabetical; without "params" the map follows the file.
    expect(loaded.model.paramMap.entries.map((e) => e.name)).toEqual([
      'fc1.bias',
      'fc1.weight',
      'fc2.bias',
      'fc2.weight',
    ]);
  });

  it('takes the param map from --like (the reference checkpoint’s order and hash)', async () => {
    const out = await tempDir('train-like-');
    const like = digitsPath('gradiend-digits-3-vs-8');
    const r = await runJson<TrainJson>(
      'train',
      digitsPath('gradients'),
      '--out',
      out,
      '--like',
      like,
      '--max-steps',
      '5',
      ...FLAGS,
    );
    const ref = await loadCheckpoint(like);
    expect(r.param_map_hash).toBe(ref.model.paramMapHash());
  });

  it('explains what the default diff target needs, and rejects bad flags', async () => {
    const out = await tempDir('train-err-');
    const missing = await runCaptured('train', digitsPath('gradients'), '--out', out);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/has no alternative gradient.*\[GRADIEND_ERR_TRAINING\]/);
    expect((await runCaptured('train', digitsPath('gradients'))).stderr).toMatch(/--out <dir> is required/);
    expect((await runCaptured('train', digitsPath('gradients'), '--out', out, '--source', 'both')).code).toBe(
      2,
    );
    const bad = await tempDir('train-bad-');
    await mkdir(path.join(bad, 'in'));
    await writeFile(
      path.join(bad, 'in', 'index.json'),
      JSON.stringify({ samples: [{ file: '../x.safetensors', digit: 3 }] }),
    );
    const unsafe = await runCaptured('train', path.join(bad, 'in'), '--out', path.join(bad, 'out'));
    expect(unsafe.stderr).toMatch(/must be a file name inside the folder/);
  });
});
