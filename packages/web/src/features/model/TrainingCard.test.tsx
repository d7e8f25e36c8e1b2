import { render, screen } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { PlotProps } from '../../components/Plot';
import { makeVersion } from '../../test-support/render-view';
import { TrainingCard } from './TrainingCard';

const plots = vi.hoisted(() => [] as PlotProps[]);
vi.mock('../../components/Plot', () => ({
  Plot: (props: PlotProps) => {
    plots.push(props);
    return <div aria-label={props.ariaLabel} />;
  },
  preloadPlot: () => undefined,
}));

// The layout the trainer writes (packages/core training/train-gradiend.ts, after the reference's).
const withStats = {
  training_stats: {
    scores: { '0': 0.1, '10': 0.9, '20': 0.8 },
    mean_by_class: { '0': { '1.0': 0.05, '-1.0': -0.02 }, '10': { '1.0': 0.7, '-1.0': -0.6 } },
    encoder_norms: { '0': 1, '10': 2 },
    decoder_norms: { '0': 3, '10': 4 },
    label_value_to_class_name: { '1.0': '3', '-1.0': '8' },
  },
  best_score_checkpoint: { correlation: 0.9, global_step: 10, epoch: 0 },
  losses: [0.3, 0.2, 0.1],
};

describe('TrainingCard', () => {
  beforeEach(() => {
    plots.length = 0;
  });

  it('plots the step statistics beside the losses, the best step marked on each panel', () => {
    render(<TrainingCard version={makeVersion({ training: withStats })} />);
    expect(plots.map((p) => p.ariaLabel)).toEqual([
      'Training loss curve',
      'Correlation (score) by step',
      'Mean encoding by class',
      'Encoder / decoder weight norms',
    ]);
    for (const panel of plots.slice(1)) {
      expect(panel.layout.shapes?.[0]).toMatchObject({ x0: 10, x1: 10 });
    }
    const score = plots[1]?.data ?? [];
    expect(score[0]).toMatchObject({ x: [0, 10, 20], y: [0.1, 0.9, 0.8] });
    expect(score[1]).toMatchObject({ name: 'best', x: [10], y: [0.9] });
    expect(plots[2]?.data.map((d) => d.name)).toEqual(['mean 3 (label 1.0)', 'mean 8 (label -1.0)']);
    expect(screen.getByTestId('training-best')).toHaveTextContent('step 10, correlation 0.9000');
  });

  it('says when training.json has losses only', () => {
    render(<TrainingCard version={makeVersion({ training: { losses_every_100_steps: [0.03, 0.02] } })} />);
    expect(plots.map((p) => p.ariaLabel)).toEqual(['Training loss curve']);
    expect(screen.getByTestId('training-no-stats')).toBeInTheDocument();
  });

  it("labels a pruned version's correlation_test as the parent's, measured before pruning", () => {
    const version = makeVersion({
      version: 2,
      operation: 'prune',
      parent: { name: 'm', version: 1 },
      training: { correlation_test: 0.91 },
    });
    render(<TrainingCard version={version} />);
    expect(screen.getByTestId('training-inherited')).toHaveTextContent('Inherited from m v1');
    expect(screen.getByRole('term')).toHaveTextContent('correlation_test (parent, before pruning)');
  });

  it('leaves an uploaded version’s numbers unlabelled', () => {
    render(<TrainingCard version={makeVersion({ training: { correlation_test: 0.91 } })} />);
    expect(screen.queryByTestId('training-inherited')).toBeNull();
    expect(screen.getByText('correlation_test')).toBeInTheDocument();
  });
});
