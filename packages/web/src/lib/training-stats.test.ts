import { describe, expect, it } from 'vitest';
import { trainingStats } from './training-stats';

// The layout the trainer writes (packages/core training/train-gradiend.ts, after the reference's).
const training = {
  training_stats: {
    global_step: 20,
    correlation: 0.8,
    scores: { '0': 0.1, '20': 0.8, '10': 0.9 },
    mean_by_class: { '0': { '1.0': 0.05, '-1.0': -0.02 }, '10': { '1.0': 0.7, '-1.0': -0.6 } },
    mean_by_feature_class: { '0': { '3': 0.05, '8': -0.02 } },
    encoder_norms: { '0': 1, '10': 2 },
    decoder_norms: { '0': 3, '10': 4 },
    label_value_to_class_name: { '1.0': '3', '-1.0': '8' },
  },
  best_score_checkpoint: { correlation: 0.9, global_step: 10, epoch: 0 },
  losses: [0.3, 0.2],
};

describe('trainingStats', () => {
  it('orders each series by step, not by key order', () => {
    const stats = trainingStats(training);
    expect(stats?.scores).toEqual({ name: 'correlation', steps: [0, 10, 20], values: [0.1, 0.9, 0.8] });
  });

  it('names the class means by label and class name', () => {
    const means = trainingStats(training)?.classMeans ?? [];
    expect(means.map((s) => s.name)).toEqual(['mean 3 (label 1.0)', 'mean 8 (label -1.0)']);
    expect(means[1]).toMatchObject({ steps: [0, 10], values: [-0.02, -0.6] });
  });

  it('reads both norms and the best checkpoint', () => {
    const stats = trainingStats(training);
    expect(stats?.norms.map((s) => [s.name, s.values])).toEqual([
      ['encoder norm', [1, 2]],
      ['decoder norm', [3, 4]],
    ]);
    expect(stats?.best).toEqual({ step: 10, correlation: 0.9 });
  });

  it('reads list-shaped norms of older files as steps 1, 2, … (as the reference’s loader does)', () => {
    const stats = trainingStats({ training_stats: { encoder_norms: [1.5, 2.5, 'x', 3.5] } });
    expect(stats?.norms).toEqual([{ name: 'encoder norm', steps: [1, 2, 4], values: [1.5, 2.5, 3.5] }]);
  });

  it('is null for a training.json with losses only (the reference demo’s compact file)', () => {
    expect(trainingStats({ losses_every_100_steps: [0.03, 0.02], correlation_test: 0.71 })).toBeNull();
    expect(trainingStats(null)).toBeNull();
  });
});
