import { render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { makeVersion } from '../../test-support/render-view';
import { TrainingCard } from './TrainingCard';

vi.mock('../../components/Plot', () => ({ Plot: () => <div />, preloadPlot: () => undefined }));

describe('TrainingCard', () => {
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
