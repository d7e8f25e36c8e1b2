import type { GradiendEncoder } from '@gradiend/core';
import { describe, expect, it } from 'vitest';
import { InferenceCache } from './inference-cache.js';

const encoder = (values: number): GradiendEncoder => ({
  inputDim: values,
  latentDim: 1,
  activation: 'tanh',
  precision: 'f32',
  weight: new Float32Array(values),
  bias: new Float32Array(1),
  layerNorm: null,
});

describe('InferenceCache', () => {
  it('charges encoder weights to its budget and drops the least recently used', async () => {
    // Two encoders of 4 × 20 + 4 bytes fit a budget of 170, a third does not.
    const cache = new InferenceCache(170);
    const loads: string[] = [];
    const get = (key: string) =>
      cache.encoder(key, async () => {
        loads.push(key);
        return encoder(20);
      });
    const a = await get('a');
    expect(await get('a')).toBe(a);
    await get('b');
    await get('a');
    await get('c');
    await new Promise((r) => setTimeout(r, 0));
    await get('a');
    await get('b');
    expect(loads).toEqual(['a', 'b', 'c', 'b']);
    await cache.clear();
  });

  it('loads once for concurrent lookups and forgets a failed load', async () => {
    const cache = new InferenceCache(1024);
    let calls = 0;
    const load = async () => {
      calls++;
      if (calls === 1) throw new Error('no model');
      return encoder(4);
    };
    await expect(Promise.all([cache.encoder('k', load), cache.encoder('k', load)])).rejects.toThrow(
      'no model',
    );
    expect(calls).toBe(1);
    await new Promise((r) => setTimeout(r, 0));
    expect((await cache.encoder('k', load)).inputDim).toBe(4);
    expect(calls).toBe(2);
  });
});
