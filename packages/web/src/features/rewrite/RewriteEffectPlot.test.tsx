import { describe, expect, it } from 'vitest';
import { rewriteEffect, sweepPoint } from '../../test-support/rewrite-effect';
import { effectTraces } from './RewriteEffectPlot';

const effect = rewriteEffect({
  input_scale: 1,
  learning_rates: [1, 0.1],
  base: { accuracy: 0.9, mean_probability: { '3': 0.8, '8': 0.02 } },
  candidates: [
    sweepPoint(1, 1, 0.3, 0.001, 0.5),
    sweepPoint(1, 0.1, 0.7, 0.01, 0.895),
    sweepPoint(-1, 1, 0.99, 0.4, 0.6),
    sweepPoint(-1, 0.1, 0.9, 0.05, 0.9),
  ],
  selection: {
    strengthen: { direction: 'strengthen', feature_factor: -1, learning_rate: 0.1, metric: 0.05, reason: '' },
    weaken: { direction: 'weaken', feature_factor: 1, learning_rate: 0.1, metric: 0.3, reason: '' },
  },
});

type Trace = { name: string; x: number[]; y: number[]; marker?: { symbol?: unknown } };

describe('effectTraces', () => {
  const traces = effectTraces(effect) as unknown as Trace[];
  const byName = (name: string) => traces.find((t) => t.name === name);

  it('draws per feature factor both class probabilities and the accuracy over increasing learning rate', () => {
    expect(byName('P(3) on 3s, ff +1')).toMatchObject({ x: [0.1, 1], y: [0.7, 0.3] });
    expect(byName('P(3) on 8s, ff -1')).toMatchObject({ x: [0.1, 1], y: [0.05, 0.4] });
    // Hollow where the accuracy is below 99 % of the base's 0.9 (0.891).
    expect(byName('accuracy, ff +1')?.marker?.symbol).toEqual(['circle', 'circle-open']);
  });

  it('stars the chosen points at the quantity each direction maximised', () => {
    const strengthen = byName('chosen: strengthen');
    const weaken = byName('chosen: weaken');
    expect(strengthen).toMatchObject({ x: [0.1] });
    expect(strengthen?.y[0]).toBe(effect.selection.strengthen.metric);
    expect(weaken).toMatchObject({ x: [0.1] });
    expect(1 - (weaken?.y[0] as number)).toBeCloseTo(effect.selection.weaken.metric as number, 12);
  });
});
