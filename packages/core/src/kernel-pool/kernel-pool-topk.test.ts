import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ParamMap } from '../mapping/param-map.js';
import { GradiendModel } from '../model/gradiend-model.js';
import { EXACT_TIE_EMULATION_LIMIT } from '../model/topk/select-top-k.js';
import { radixTopKFloat32 } from '../model/topk/radix-select-f32.js';
import type { BandScan } from '../model/topk/radix-select-f32.js';
import { createKernelPool } from './kernel-pool.js';
import type { KernelPool } from './kernel-pool.js';
import { sharedFloatArray } from './shared-arrays.js';

// Above the sampled band scan's minimum length (2^20), with an odd tail.
const N = (1 << 20) + 12345;
const THREADS = [1, 2, 3];

function seeded(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1664525 + 1013904223) % 2 ** 32;
    return s / 2 ** 32 - 0.5;
  };
}

/** Random values with NaNs, -0 and many exact ties; on shared memory or not. */
function values(shared: boolean): Float32Array {
  const r = seeded(42);
  const a = shared ? (sharedFloatArray(N) as Float32Array) : new Float32Array(N);
  for (let i = 0; i < N; i++) a[i] = i % 97 === 0 ? Math.round(r() * 8) / 8 : r();
  a[5] = NaN;
  a[N - 1] = NaN;
  a[7] = -0;
  return a;
}

describe('kernel pool top-k band scan (radixTopKFloat32, the large float32 select)', () => {
  const pools = new Map<number, KernelPool>();
  beforeAll(async () => {
    for (const t of THREADS) pools.set(t, await createKernelPool({ threads: t }));
  });
  afterAll(async () => {
    for (const p of pools.values()) await p.close();
  });

  for (const shared of [true, false]) {
    for (const absolute of [true, false]) {
      it(`same indices as one thread for 1, 2, 3 threads (${shared ? 'shared' : 'plain'}, ${absolute ? '|x|' : 'x'})`, () => {
        const v = values(shared);
        for (const k of [1, 1000, Math.ceil(0.01 * N), N >> 1]) {
          const want = radixTopKFloat32(v, k, absolute);
          expect(want.length).toBe(k);
          for (const t of THREADS) {
            const scan = (pools.get(t) as KernelPool).kernels.bandScan;
            let banded = 0;
            const counting: BandScan = (...args) => {
              const found = scan(...args);
              if (found !== null) banded++;
              return found;
            };
            expect(radixTopKFloat32(v, k, absolute, counting)).toEqual(want);
            // The pooled scan was used, not only the exact fallback.
            expect(banded).toBe(1);
          }
          // Invariant: NaN ranks highest, and nothing left out ranks above anything selected.
          const rank = (x: number): number => (Number.isNaN(x) ? Infinity : absolute ? Math.abs(x) : x);
          const chosen = new Uint8Array(N);
          let minChosen = Infinity;
          for (const i of want) {
            chosen[i] = 1;
            minChosen = Math.min(minChosen, rank(v[i] as number));
          }
          let maxLeft = -Infinity;
          for (let i = 0; i < N; i++) if (!chosen[i]) maxLeft = Math.max(maxLeft, rank(v[i] as number));
          expect(maxLeft).toBeLessThanOrEqual(minChosen);
          expect(chosen[5]).toBe(1);
        }
      });
    }
  }

  it('heavy ties overflow the band the same way for every thread count (exact fallback)', () => {
    const v = sharedFloatArray(N) as Float32Array;
    v.fill(0.5);
    v[3] = 0.75;
    // Ascending indices; the ties at 0.5 go to the lowest indices.
    const want = radixTopKFloat32(v, 5000);
    expect(Array.from(want.subarray(0, 5))).toEqual([0, 1, 2, 3, 4]);
    expect(want[4999]).toBe(4999);
    for (const t of THREADS) {
      const scan = (pools.get(t) as KernelPool).kernels.bandScan;
      expect(radixTopKFloat32(v, 5000, false, scan)).toEqual(want);
    }
  });

  it('model topK and prune pick the same dims with the pool (above the exact-emulation limit)', () => {
    const n = EXACT_TIE_EMULATION_LIMIT + 3;
    const r = seeded(9);
    const f = (len: number): Float32Array => {
      const a = sharedFloatArray(len) as Float32Array;
      for (let i = 0; i < len; i++) a[i] = r();
      return a;
    };
    const model = new GradiendModel(
      {
        inputDim: n,
        latentDim: 1,
        activationEncoder: 'tanh',
        activationDecoder: 'id',
        biasDecoder: true,
        dtype: 'float32',
      },
      {
        encoderWeight: { dtype: 'F32', shape: [1, n], data: f(n) },
        encoderBias: { dtype: 'F32', shape: [1], data: f(1) },
        decoderWeight: { dtype: 'F32', shape: [n, 1], data: f(n) },
        decoderBias: { dtype: 'F32', shape: [n], data: f(n) },
        encoderNorm: null,
      },
      ParamMap.fromSpecs([{ name: 'p.weight', shape: [n], repr: 'all' }]),
    );
    const want = model.topK('decoder-weight', { fraction: 0.01 });
    const pruned = model.prune({ topk: { fraction: 0.01 } });
    const wantKeep = pruned.keepIdx;
    // The kept dims are exactly the mask's ones, ascending, and the top-k's set.
    const fromMask: number[] = [];
    pruned.combinedMask.forEach((m, i) => m && fromMask.push(i));
    expect(Array.from(wantKeep)).toEqual(fromMask);
    expect(Array.from(wantKeep)).toEqual(Array.from(want).sort((a, b) => a - b));
    for (const t of THREADS) {
      const kernels = (pools.get(t) as KernelPool).kernels;
      expect(model.topK('decoder-weight', { fraction: 0.01 }, { kernels })).toEqual(want);
      expect(model.prune({ topk: { fraction: 0.01 } }, { kernels }).keepIdx).toEqual(wantKeep);
    }
  });
});
