import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { makeEvaluation, makeJob, makeLabeledSet } from '../../test-support/evaluation';
import { fakeFetch, renderVersionView, type FakeRequest } from '../../test-support/render-view';
import { EvaluatePage } from './EvaluatePage';

vi.mock('../../components/Plot', () => ({
  Plot: (props: { ariaLabel: string; data: { name: string; y: number[] }[] }) => (
    <div
      data-testid="plot"
      aria-label={props.ariaLabel}
      data-traces={JSON.stringify(props.data.map((d) => [d.name, d.y]))}
    />
  ),
  preloadPlot: () => undefined,
}));

const JOB = '0b6f3c1e-0000-4000-8000-0000000000ev';

// A scorecard with the reference's keys; class means and stats as the four samples give them.
const metrics = {
  n_samples: 4,
  correlation: 0.9,
  all_data: { correlation: 0.8, accuracy: 0.75 },
  training_only: { correlation: 0.9, accuracy: 0.75 },
  target_classes_only: { correlation: 0.95, accuracy: 1 },
  boundaries: { neg_boundary: -0.5, pos_boundary: 0.5, neutral_boundary: 0 },
  mean_by_class: { '-1.0': -0.7, '1.0': 0.6 },
  n_by_class: { '-1.0': 2, '1.0': 2 },
  min_by_class: { '-1.0': -0.8, '1.0': 0.4 },
  max_by_class: { '-1.0': -0.6, '1.0': 0.8 },
  label_value_to_class_name: { '-1.0': '8', '1.0': '3' },
  mean_by_type: { training: -0.05 },
  abs_mean_by_type: { training: 0.65 },
};
const samples = [
  { label: 1, encoded: [0.4] },
  { label: 1, encoded: [0.8] },
  { label: -1, encoded: [-0.8] },
  { label: -1, encoded: [-0.6] },
];
const evaluation = makeEvaluation(metrics, samples);

function api(answer: 'cached' | 'job') {
  let polls = 0;
  return fakeFetch((req: FakeRequest) => {
    const p = req.url.pathname;
    if (p === '/api/models/m/labeled-sets' && req.method === 'POST')
      return makeLabeledSet({ name: 'my-set' });
    if (p === '/api/models/m/labeled-sets') return { items: [makeLabeledSet()] };
    if (p === '/api/models/m/versions/1/evaluation') {
      if (answer === 'cached') return evaluation;
      return new Response(JSON.stringify(makeJob(JOB, 'evaluation', 'queued')), {
        status: 202,
        headers: { 'content-type': 'application/json', location: `/api/jobs/${JOB}` },
      });
    }
    if (p === `/api/jobs/${JOB}`) return makeJob(JOB, 'evaluation', ++polls < 2 ? 'running' : 'done');
    if (p === `/api/jobs/${JOB}/result`) return evaluation;
    return new Response('{}', { status: 404 });
  });
}

afterEach(() => vi.restoreAllMocks());

describe('EvaluatePage', () => {
  it('evaluates on the first set that serves the version and shows the API’s scorecard', async () => {
    const calls = api('cached');
    renderVersionView(<EvaluatePage />);
    const table = await screen.findByTestId('scorecard-subsets');
    const rows = within(table).getAllByRole('row').slice(1);
    expect(
      rows.map((r) => [r.dataset.subset, Number(r.dataset.correlation), Number(r.dataset.accuracy)]),
    ).toEqual([
      ['training_only', 0.9, 0.75],
      ['all_data', 0.8, 0.75],
      ['target_classes_only', 0.95, 1],
    ]);
    const ask = calls.find((c) => c.url.pathname.endsWith('/evaluation'));
    expect(ask?.url.searchParams.get('set')).toBe('digits-test');
    expect(calls.find((c) => c.url.pathname.endsWith('/labeled-sets'))?.url.searchParams.get('version')).toBe(
      '1',
    );
    const classes = within(screen.getByTestId('scorecard-classes')).getAllByRole('row').slice(1);
    expect(classes.map((r) => within(r).getAllByRole('cell')[0]?.textContent)).toEqual(['8 (−1)', '3 (+1)']);
  });

  it('explains the verdict criterion by criterion, with the thresholds the API names', async () => {
    api('cached');
    renderVersionView(<EvaluatePage />);
    const verdict = await screen.findByTestId('convergence');
    expect(verdict).toHaveAttribute('data-converged', 'true');
    const checks = within(verdict).getAllByRole('listitem');
    expect(checks.map((c) => [c.dataset.check, c.dataset.pass])).toEqual([
      ['correlation', 'true'],
      ['class-mean', 'true'],
      ['opposite-signs', 'true'],
    ]);
    expect(checks[0]).toHaveTextContent('|correlation| ≥ 0.5');
    expect(checks[1]).toHaveTextContent('min |class mean| of the target classes ≥ 0.5: 0.6000');
  });

  it('plots each class’s encodings, grouped by label', async () => {
    api('cached');
    renderVersionView(<EvaluatePage />);
    const plot = await screen.findByLabelText('Encodings per class, latent 0');
    expect(JSON.parse(plot.dataset.traces ?? '[]')).toEqual([
      ['8 (−1)', [-0.8, -0.6]],
      ['3 (+1)', [0.4, 0.8]],
    ]);
  });

  it('follows the job when the evaluation is not cached, then shows its stored result', async () => {
    api('job');
    renderVersionView(<EvaluatePage />);
    expect(await screen.findByText('Evaluating on digits-test')).toBeInTheDocument();
    await screen.findByTestId('scorecard', {}, { timeout: 4000 });
    expect(screen.queryByText('Evaluating on digits-test')).toBeNull();
  });

  it('uploads a set as fields, manifest and gradients, then evaluates on it', async () => {
    const calls = api('cached');
    renderVersionView(<EvaluatePage />);
    await screen.findByTestId('scorecard');
    fireEvent.change(screen.getByPlaceholderText('digits-test'), { target: { value: 'my-set' } });
    const manifest = new File(['[]'], 'manifest.json', { type: 'application/json' });
    const grads = [new File(['a'], 'g0.safetensors'), new File(['b'], 'g1.safetensors')];
    fireEvent.change(screen.getByLabelText('Manifest'), { target: { files: [manifest] } });
    fireEvent.change(screen.getByLabelText('Gradients'), { target: { files: grads } });
    fireEvent.click(screen.getByRole('button', { name: 'Upload set' }));
    await waitFor(() => expect(calls.some((c) => c.method === 'POST')).toBe(true));
    const post = calls.find((c) => c.method === 'POST');
    expect(post?.url.pathname).toBe('/api/models/m/labeled-sets');
    const form = post?.body as FormData;
    expect([...form.keys()]).toEqual(['name', 'version', 'manifest', 'gradients', 'gradients']);
    expect(form.get('name')).toBe('my-set');
    expect((form.getAll('gradients') as File[]).map((f) => f.name)).toEqual([
      'g0.safetensors',
      'g1.safetensors',
    ]);
    await waitFor(() =>
      expect(
        calls.some(
          (c) => c.url.pathname.endsWith('/evaluation') && c.url.searchParams.get('set') === 'my-set',
        ),
      ).toBe(true),
    );
  });
});
