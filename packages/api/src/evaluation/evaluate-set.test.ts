import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { pruneGrid, pruneRanking } from '@gradiend/core';
import { loadCheckpoint } from '@gradiend/core/node';
import { digitsPath } from '../test-support/fixtures.js';
import { cachedPruneRanking, evaluateSet } from './evaluate-set.js';

const index = JSON.parse(fs.readFileSync(digitsPath('gradients', 'index.json'), 'utf8')) as {
  samples: { file: string; encoded_after_input_scale: number }[];
};
const samples = index.samples.slice(0, 6).map((s, i) => ({ file: s.file, label: i % 2 ? -1 : 1 }));
const set = { format: 'per-sample' as const, dir: digitsPath('gradients'), samples };

describe('evaluateSet (the worker task)', () => {
  it('counts the samples it has encoded in shared memory, for the job’s progress', async () => {
    const ck = await loadCheckpoint(digitsPath('gradiend-digits-3-vs-8'));
    const done = new Int32Array(new SharedArrayBuffer(4));
    const result = await evaluateSet(ck, null, { set, curve: null, done });
    expect(Atomics.load(done, 0)).toBe(samples.length);
    expect(Array.from(result.encoded)).toHaveLength(samples.length);
    result.encoded.forEach((e, i) =>
      expect(Math.abs(e - (index.samples[i]?.encoded_after_input_scale as number))).toBeLessThan(1e-4),
    );
  });

  it('stops between samples once its job is cancelled', async () => {
    const ck = await loadCheckpoint(digitsPath('gradiend-digits-3-vs-8'));
    const done = new Int32Array(new SharedArrayBuffer(4));
    let checks = 0;
    const signal = {
      throwIfAborted() {
        if (++checks > 2) throw new DOMException('the request was cancelled', 'AbortError');
      },
    };
    await expect(evaluateSet(ck, null, { set, curve: null, done }, signal)).rejects.toThrow('cancelled');
    expect(Atomics.load(done, 0)).toBe(2);
  });

  it('a curve reads its samples four at a time, each encoded with the same bits as on its own', async () => {
    const ck = await loadCheckpoint(digitsPath('gradiend-digits-3-vs-8'));
    const curve = { part: 'decoder-weight' as const, points: 12, ks: [] };
    const done = new Int32Array(new SharedArrayBuffer(4));
    const all = await evaluateSet(ck, null, { set, curve, done });
    expect(Atomics.load(done, 0)).toBe(samples.length);
    const m = all.curve?.ks.length as number;
    expect(m).toBeGreaterThan(2);
    for (const [i, sample] of samples.entries()) {
      const alone = await evaluateSet(ck, null, { set: { ...set, samples: [sample] }, curve });
      for (let j = 0; j < m; j++)
        expect(all.curve?.encoded[j * samples.length + i]).toBe(alone.curve?.encoded[j]);
      expect(all.encoded[i]).toBe(alone.encoded[0]);
      // The last point (k = input_dim) is the version's own encoding, summed in ranking order.
      expect(
        Math.abs((all.encoded[i] as number) - (index.samples[i]?.encoded_after_input_scale as number)),
      ).toBeLessThan(1e-4);
    }
  });

  it('ranks a loaded model once per part and grid, keeping the two most recent', async () => {
    const { model } = await loadCheckpoint(digitsPath('gradiend-digits-3-vs-8'));
    const ks = pruneGrid(model.inputDim, 10);
    const first = cachedPruneRanking(model, 'decoder-weight', ks);
    expect(cachedPruneRanking(model, 'decoder-weight', [...ks])).toBe(first);
    expect(first.bucket).toEqual(pruneRanking(model, { part: 'decoder-weight' }, ks).bucket);
    const other = cachedPruneRanking(model, 'encoder-weight', ks);
    expect(other).not.toBe(first);
    cachedPruneRanking(model, 'decoder-weight', ks.slice(1));
    expect(cachedPruneRanking(model, 'encoder-weight', ks)).toBe(other);
    expect(cachedPruneRanking(model, 'decoder-weight', ks)).not.toBe(first);
    const { model: again } = await loadCheckpoint(digitsPath('gradiend-digits-3-vs-8'));
    expect(cachedPruneRanking(again, 'encoder-weight', ks)).not.toBe(other);
  });
});
