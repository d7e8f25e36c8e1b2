import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EncoderMetricsError } from '../errors.js';
import { encoderMetricsFamily } from '../cli/conformance/encoder-metrics-family.js';
import { runConformance } from '../cli/conformance/run-conformance.js';
import { SHARED_DIR } from '../test-support/fixtures.js';
import { judgeConvergence } from '../training/encoder-evaluation.js';
import { encoderMetrics } from './encoder-metrics.js';
import type { EncodedRow } from './encoder-metrics.js';
import { scorecardConvergence } from './scorecard-convergence.js';

const METRICS_DIR = path.join(SHARED_DIR, 'fixtures', 'encoder-metrics');

/** Deterministic pseudo-random numbers in [−1, 1). */
function noise(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32) * 2 - 1;
  };
}

function latent3Rows(n: number): EncodedRow[] {
  const r = noise(7);
  return Array.from({ length: n }, (_, i) => {
    const label = [1, -1, 0][i % 3] as number;
    return {
      encoded: [label * 0.6 + 0.4 * r(), -label * 0.3 + 0.7 * r(), r()],
      label,
      type: i % 7 === 6 ? 'neutral_dataset' : 'training',
      sourceId: label > 0 ? 'a' : label < 0 ? 'b' : 'a',
      targetId: label > 0 ? 'b' : label < 0 ? 'a' : 'a',
      dataSplit: i % 2 ? 'train' : 'test',
    };
  });
}

describe('encoderMetrics', () => {
  it('reproduces every encoder-metrics fixture (the conformance family: scorecards, errors, digits re-encoded)', async () => {
    const results = await runConformance(METRICS_DIR, {}, [encoderMetricsFamily]);
    expect(
      results.filter((r) => r.failure !== null).map((r) => `${r.caseName}: ${r.check}: ${r.failure}`),
    ).toEqual([]);
    const cases = await encoderMetricsFamily.listCases(METRICS_DIR);
    expect(new Set(results.map((r) => r.caseName))).toEqual(new Set(cases));
    // digits-demo: 24 encodings and 24 labels re-derived, besides the metrics checks.
    expect(
      results.filter((r) => r.caseName === 'digits-demo' && r.check.startsWith('encoding[')).length,
    ).toBe(24);
  }, 60_000);

  it('gives each latent dimension the block a 1-d scorecard of that dimension would give', () => {
    const rows = latent3Rows(60);
    const m = encoderMetrics(rows) as unknown as Record<string, unknown>;
    for (let d = 0; d < 3; d++) {
      const alone = encoderMetrics(
        rows.map((r) => ({ ...r, encoded: (r.encoded as number[])[d] as number })),
      );
      expect(m[String(d)]).toEqual({
        all_data: alone.all_data,
        training_only: alone.training_only,
        target_classes_only: alone.target_classes_only,
      });
    }
    // Class statistics and the top-level scores come from dimension 0.
    const first = encoderMetrics(rows.map((r) => ({ ...r, encoded: (r.encoded as number[])[0] as number })));
    expect(m.mean_by_class).toEqual(first.mean_by_class);
    expect(m.correlation).toBe(first.correlation);
    expect(m.split_generalization).toEqual(first.split_generalization);
  });

  it('keeps 1-d scorecards free of per-dimension keys', () => {
    const m = encoderMetrics(
      latent3Rows(30).map((r) => ({ ...r, encoded: [(r.encoded as number[])[0] as number] })),
    );
    expect(Object.keys(m).filter((k) => /^\d+$/.test(k))).toEqual([]);
  });

  it('refuses target classes missing from a compared split, naming the class and split', () => {
    const rows = latent3Rows(30).filter((r) => !(r.sourceId === 'b' && r.dataSplit === 'test'));
    expect(() =>
      encoderMetrics(rows, { targetClasses: ['a', 'b'], generalizationSplits: ['train', 'test'] }),
    ).toThrowError(
      new EncoderMetricsError(
        "Target pair split coverage is insufficient for split_generalization:\n  'b' has no target-pair encoder rows in split 'test' (present in: ['train'])",
      ),
    );
    expect(() => encoderMetrics(rows, { targetClasses: ['x', 'y'] })).toThrowError(
      /target_classes=\['x', 'y'\]/,
    );
  });

  it('refuses ragged encodings and non-finite labels', () => {
    expect(() =>
      encoderMetrics([
        { encoded: [1, 2], label: 1 },
        { encoded: [1], label: -1 },
      ]),
    ).toThrowError(EncoderMetricsError);
    expect(() => encoderMetrics([{ encoded: 1, label: NaN }])).toThrowError(EncoderMetricsError);
    expect(() => encoderMetrics([])).toThrowError('DataFrame is empty, cannot compute metrics');
  });

  it("judges a scorecard with the trainer's convergence rule", () => {
    const good = encoderMetrics([
      { encoded: 0.9, label: 1 },
      { encoded: 0.7, label: 1 },
      { encoded: -0.8, label: -1 },
      { encoded: -0.6, label: -1 },
    ]);
    const v = scorecardConvergence(good);
    expect(v.converged).toBe(true);
    expect(v.minTargetClassAbsMean).toBeCloseTo(0.7, 12);
    // The same rule the trainer applies to its best checkpoint (after step 0).
    const trainer = judgeConvergence(
      {
        step: 1,
        correlation: good.correlation,
        meanByLabel: new Map([
          [-1, -0.7],
          [1, 0.8],
        ]),
      },
      v.criteria,
    );
    expect(trainer).toEqual({
      converged: v.converged,
      minTargetClassAbsMean: v.minTargetClassAbsMean,
      reason: null,
    });

    const weak = scorecardConvergence(
      encoderMetrics([
        { encoded: 0.3, label: 1 },
        { encoded: 0.2, label: 1 },
        { encoded: -0.3, label: -1 },
        { encoded: -0.2, label: -1 },
      ]),
    );
    expect(weak.converged).toBe(false);
    expect(weak.reason).toMatch(/min \|class mean\| 0\.2500 < 0\.5/);
  });
});
