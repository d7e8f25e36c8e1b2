import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { EvaluationResponse } from '../../api/contract';
import {
  classRows,
  dimensionRows,
  encodingsByClass,
  labelName,
  splitView,
  subsetRows,
  verdictChecks,
} from './scorecard';

// The reference's own scorecards (../shared/fixtures/encoder-metrics, read in place, never copied).
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../..');
const fixtures = path.join(repoRoot, '..', 'shared', 'fixtures', 'encoder-metrics');

interface Row {
  encoded: number;
  label: number;
}

function load(name: string): { rows: Row[]; metrics: Record<string, unknown> } {
  const rows = (JSON.parse(readFileSync(path.join(fixtures, name, 'rows.json'), 'utf8')) as { rows: Row[] })
    .rows;
  const { metrics } = JSON.parse(readFileSync(path.join(fixtures, name, 'expected.json'), 'utf8')) as {
    metrics: Record<string, unknown>;
  };
  return { rows, metrics };
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const criteria = { score_threshold: 0.5, mean_by_class_threshold: 0.5 };

function evaluation(metrics: Record<string, unknown>): Pick<EvaluationResponse, 'metrics' | 'convergence'> {
  return {
    metrics,
    convergence: { converged: false, min_target_class_abs_mean: null, reason: null, criteria },
  };
}

describe('the scorecard as the Evaluate tab reads it', () => {
  it('lists the three subsets in the reference’s order with their correlation and accuracy', () => {
    const { metrics } = load('classes-and-splits');
    const rows = subsetRows(metrics);
    expect(rows.map((r) => r.key)).toEqual(['training_only', 'all_data', 'target_classes_only']);
    expect(rows[2]).toMatchObject(metrics.target_classes_only as object);
  });

  it('gives per-class statistics whose n and mean agree with the rows themselves', () => {
    const { rows, metrics } = load('classes-and-splits');
    for (const row of classRows(metrics)) {
      const mine = rows.filter((r) => r.label === Number(row.key)).map((r) => r.encoded);
      expect(row.stats.n).toBe(mine.length);
      expect(row.stats.mean).toBeCloseTo(mean(mine), 12);
      expect(row.stats.min).toBe(Math.min(...mine));
    }
    expect(classRows(metrics).map((r) => r.name)).toEqual(['fem (−1)', 'masc (+1)']);
  });

  it('checks each convergence criterion against the class means computed from the rows', () => {
    for (const name of ['classes-and-splits', 'poor-encoder', 'binary']) {
      const { rows, metrics } = load(name);
      const pos = mean(rows.filter((r) => r.label === 1).map((r) => r.encoded));
      const neg = mean(rows.filter((r) => r.label === -1).map((r) => r.encoded));
      const checks = Object.fromEntries(verdictChecks(evaluation(metrics)).map((c) => [c.id, c.pass]));
      expect(checks, name).toEqual({
        correlation: Math.abs(metrics.correlation as number) >= 0.5,
        'class-mean': Math.min(Math.abs(pos), Math.abs(neg)) >= 0.5,
        'opposite-signs': Math.sign(pos) !== Math.sign(neg),
      });
    }
  });

  it('prefers the server’s min |class mean| when it gives one', () => {
    const { metrics } = load('binary');
    const e = evaluation(metrics);
    e.convergence.min_target_class_abs_mean = 0.25;
    expect(verdictChecks(e).find((c) => c.id === 'class-mean')).toMatchObject({
      value: '0.2500',
      pass: false,
    });
  });

  it('passes the class-mean criterion when the trainer sets no threshold for it', () => {
    const e = evaluation(load('poor-encoder').metrics);
    e.convergence.criteria = { score_threshold: 0.5, mean_by_class_threshold: null };
    expect(verdictChecks(e).find((c) => c.id === 'class-mean')).toMatchObject({ pass: true });
  });

  it('reads split generalization when the rows carry splits, and nothing otherwise', () => {
    const split = splitView(load('classes-and-splits').metrics);
    expect(split?.compared).toEqual(['train', 'test']);
    expect(split?.rows.map((r) => r.cls)).toEqual(['fem', 'masc']);
    expect(split?.rows[1]?.bySplit.test).toBeCloseTo(0.6806153677298508, 15);
    expect(splitView(load('binary').metrics)).toBeNull();
  });

  it('lists each latent dimension’s subset scores when latent_dim > 1', () => {
    const { metrics } = load('binary');
    const scores = { correlation: 0.3, accuracy: 0.5 };
    const block = { all_data: scores, training_only: scores, target_classes_only: scores };
    const two = { ...metrics, '0': metrics, '1': block };
    expect(dimensionRows(two, 2).map((d) => [d.dim, d.subsets[0]?.correlation])).toEqual([
      [0, (metrics.training_only as { correlation: number }).correlation],
      [1, 0.3],
    ]);
    expect(dimensionRows(metrics, 1)).toEqual([]);
  });

  it('groups encodings by label on the chosen latent dimension', () => {
    const samples = [
      { index: 0, file: 'a.safetensors', label: 1, encoded: [0.9, 0.1] },
      { index: 1, file: 'b.safetensors', label: -1, encoded: [-0.8, 0.2] },
      { index: 2, row: 7, label: 1, encoded: [0.7, 0.3] },
    ];
    const groups = encodingsByClass(samples, 1, { '1.0': '3' });
    expect(groups).toEqual([
      { key: '-1.0', name: '−1', values: [0.2], ids: ['b.safetensors'] },
      { key: '1.0', name: '3 (+1)', values: [0.1, 0.3], ids: ['a.safetensors', 'row 7'] },
    ]);
    expect(labelName('0.0', {})).toBe('identity / neutral (0)');
    expect(labelName('1.0', { '1.0': '1.0' })).toBe('+1');
  });
});
