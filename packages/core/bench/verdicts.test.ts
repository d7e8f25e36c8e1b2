import { describe, expect, it } from 'vitest';
import { FLOOR_MULTIPLE_TARGETS, PEAK_RSS_EXCL_BATCH_TARGET_BYTES, SPEEDUP_TARGETS } from './targets.js';
import { fakeReference, fakeResult } from './test-result.js';
import { computeVerdicts } from './verdicts.js';
import type { Verdict } from './verdicts.js';

const find = (vs: Verdict[], kind: Verdict['kind'], step: Verdict['step']): Verdict => {
  const v = vs.find((x) => x.kind === kind && x.step === step);
  if (v === undefined) throw new Error(`no ${kind} verdict for ${step}`);
  return v;
};

describe('targets', () => {
  it('are the numbers issue 16 states', () => {
    expect(SPEEDUP_TARGETS).toEqual({
      encode_batch8: 1.5,
      forward_1: 2,
      importance_decoder_weight: 3,
      topk_1pct: 20,
      prune_topk_1pct: 20,
      load: 15,
    });
    expect(FLOOR_MULTIPLE_TARGETS).toEqual({ importance_decoder_weight: 2, encode_batch8: 2, forward_1: 2 });
    expect(PEAK_RSS_EXCL_BATCH_TARGET_BYTES).toBe(2e9);
  });
});

describe('computeVerdicts', () => {
  it('judges 6 speed-ups, 3 floor multiples and the RSS target', () => {
    const vs = computeVerdicts(fakeResult(), fakeReference(), false);
    expect(vs.filter((v) => v.kind === 'speedup')).toHaveLength(6);
    expect(vs.filter((v) => v.kind === 'floor_multiple')).toHaveLength(3);
    expect(vs.filter((v) => v.kind === 'peak_rss_excl_batch_bytes')).toHaveLength(1);
    expect(vs.every((v) => v.met !== null)).toBe(true);
  });

  it('a speed-up is met at exactly the target and missed just below it', () => {
    // load: reference 30 s; 30 / 2 = 15 (met), 30 / 2.01 < 15 (missed).
    const at = find(
      computeVerdicts(fakeResult({ seconds: { ...fakeResult().seconds, load: 2 } }), fakeReference(), false),
      'speedup',
      'load',
    );
    expect(at).toMatchObject({ value: 15, met: true, bound: 'min', target: 15 });
    const below = find(
      computeVerdicts(
        fakeResult({ seconds: { ...fakeResult().seconds, load: 2.01 } }),
        fakeReference(),
        false,
      ),
      'speedup',
      'load',
    );
    expect(below.met).toBe(false);
    expect(below.value).toBeCloseTo(30 / 2.01, 10);
  });

  it('takes the speed-up as reference ÷ ours (a faster reference is a miss)', () => {
    // forward: ours 0.3 s, reference 0.3 s → 1×, target 2×.
    expect(find(computeVerdicts(fakeResult(), fakeReference(), false), 'speedup', 'forward_1')).toMatchObject(
      {
        value: 1,
        met: false,
      },
    );
    // top-k: 4 / 0.4 = 10 < 20; prune: 20 / 0.5 = 40 ≥ 20.
    const vs = computeVerdicts(fakeResult(), fakeReference(), false);
    expect(find(vs, 'speedup', 'topk_1pct')).toMatchObject({ value: 10, met: false });
    expect(find(vs, 'speedup', 'prune_topk_1pct')).toMatchObject({ value: 40, met: true });
  });

  it('a floor multiple is met at most 2× and missed above', () => {
    const vs = computeVerdicts(fakeResult(), fakeReference(), false);
    // importance 0.2 / 0.1 = 2 (met); encode 0.4 / 0.25 = 1.6 (met); forward 0.3 / 0.2 = 1.5 (met).
    expect(find(vs, 'floor_multiple', 'importance_decoder_weight')).toMatchObject({
      value: 2,
      met: true,
      bound: 'max',
    });
    const slow = computeVerdicts(
      fakeResult({ seconds: { ...fakeResult().seconds, encode_batch8: 0.51 } }),
      fakeReference(),
      false,
    );
    expect(find(slow, 'floor_multiple', 'encode_batch8')).toMatchObject({ met: false });
    expect(find(slow, 'floor_multiple', 'encode_batch8').value).toBeCloseTo(2.04, 10);
  });

  it('the RSS target is met at 2 GB and missed one byte above', () => {
    const at = computeVerdicts(fakeResult({ peakRssExclBatchBytes: 2e9 }), null, false);
    expect(find(at, 'peak_rss_excl_batch_bytes', null)).toMatchObject({ value: 2e9, met: true });
    const above = computeVerdicts(fakeResult({ peakRssExclBatchBytes: 2e9 + 1 }), null, false);
    expect(find(above, 'peak_rss_excl_batch_bytes', null).met).toBe(false);
  });

  it('without a reference judges no speed-up but still judges floor and RSS', () => {
    const vs = computeVerdicts(fakeResult(), null, false, 'python3 missing');
    for (const v of vs.filter((x) => x.kind === 'speedup')) {
      expect(v).toMatchObject({ value: null, met: null, reason: 'python3 missing' });
    }
    expect(vs.filter((v) => v.kind !== 'speedup').every((v) => typeof v.met === 'boolean')).toBe(true);
  });

  it('under --small judges nothing', () => {
    const vs = computeVerdicts(fakeResult(), fakeReference(), true);
    expect(vs.every((v) => v.met === null && v.reason !== undefined)).toBe(true);
    expect(find(vs, 'speedup', 'load').value).toBe(30);
  });
});
