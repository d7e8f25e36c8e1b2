import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readSafetensorsBuffer } from '../safetensors/index.js';
import { toFloat64 } from '../tensor/convert.js';
import { digitsPath } from '../test-support/fixtures.js';
import { loadCheckpoint } from './load-checkpoint.js';
import { saveCheckpoint } from './save-checkpoint.js';

interface DigitsIndex {
  input_scale: number;
  samples: { file: string; digit: number; encoded_after_input_scale: number }[];
}

const tmp: string[] = [];
afterAll(async () => Promise.all(tmp.map((d) => rm(d, { recursive: true, force: true }))));

describe('digits demo (a real trained GRADIEND)', async () => {
  const loaded = await loadCheckpoint(digitsPath('gradiend-digits-3-vs-8'));
  const index = JSON.parse(await readFile(digitsPath('gradients', 'index.json'), 'utf8')) as DigitsIndex;

  /** The reference's `encode(flatten(grad) / input_scale)` for one sample file. */
  async function encodeSample(file: string): Promise<number> {
    const tensors = readSafetensorsBuffer(
      new Uint8Array(await readFile(digitsPath('gradients', file))),
    ).tensors();
    const grads = new Map(
      [...tensors].map(([name, t]) => [
        name,
        { shape: t.shape, data: toFloat64(t).map((v) => v / index.input_scale) },
      ]),
    );
    return loaded.model.encodeDict(grads)[0] as number;
  }

  it('encodes the 24 gradient samples to the reference encodings', async () => {
    expect(index.samples).toHaveLength(24);
    for (const s of index.samples) {
      const encoded = await encodeSample(s.file);
      expect(Math.abs(encoded - s.encoded_after_input_scale)).toBeLessThanOrEqual(
        1e-4 * Math.abs(s.encoded_after_input_scale) + 1e-6,
      );
    }
  });

  it('puts the mean latent of 3s and of 8s on the sides gradiend_context.json names', async () => {
    const ctx = loaded.gradiendContext as { feature_class_encoding_direction: Record<string, number> };
    const sums = new Map<number, number[]>();
    for (const s of index.samples) {
      sums.set(s.digit, [...(sums.get(s.digit) ?? []), await encodeSample(s.file)]);
    }
    for (const [digit, values] of sums) {
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      expect(Math.sign(mean), `digit ${digit}`).toBe(ctx.feature_class_encoding_direction[String(digit)]);
    }
  });

  it('save → load → save is byte-stable and equals the reference files', async () => {
    const a = await mkdtemp(path.join(os.tmpdir(), 'digits-a-'));
    const b = await mkdtemp(path.join(os.tmpdir(), 'digits-b-'));
    tmp.push(a, b);
    await saveCheckpoint(a, loaded.model, { gradiendContext: loaded.gradiendContext });
    const again = await loadCheckpoint(a);
    await saveCheckpoint(b, again.model, { gradiendContext: again.gradiendContext });
    const files = (await readdir(digitsPath('gradiend-digits-3-vs-8'))).sort();
    expect((await readdir(a)).sort()).toEqual(files);
    for (const f of files) {
      const ref = await readFile(digitsPath('gradiend-digits-3-vs-8', f));
      expect((await readFile(path.join(a, f))).equals(ref), f).toBe(true);
      expect((await readFile(path.join(b, f))).equals(ref), f).toBe(true);
    }
  });
});
