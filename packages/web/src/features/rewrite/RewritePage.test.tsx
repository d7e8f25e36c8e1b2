import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BaseModel, Job } from '../../api/contract';
import { fakeFetch, makeVersion, renderVersionView, type FakeRequest } from '../../test-support/render-view';
import { rewriteEffect, sweepPoint } from '../../test-support/rewrite-effect';
import { RewritePage } from './RewritePage';

vi.mock('../../components/Plot', () => ({ Plot: () => <div />, preloadPlot: () => undefined }));

const JOB = '0b6f3c1e-0000-4000-8000-00000000000e';
const BASE_ID = 'a'.repeat(64);

const base: BaseModel = {
  id: BASE_ID,
  name: 'digits-mlp',
  size: 10_000,
  onnx: { sha256: 'b'.repeat(64), size: 100 },
  test_set: { sha256: 'c'.repeat(64), size: 100 },
  lineage: null,
  files: null,
  created_at: '2026-01-01T00:00:00.000Z',
  created_by: 'anonymous',
  downloads: { weights: `/api/base-models/${BASE_ID}/weights` },
};

const effect = rewriteEffect({
  input_scale: 0.05,
  learning_rates: [0.01, 0.002],
  base: {
    accuracy: 0.9672544002532959,
    mean_probability: { '3': 0.8703011870384216, '8': 0.01417878083884716 },
  },
  candidates: [
    sweepPoint(1, 0.01, 0.7072357535362244, 0.00016887170204427093, 0.9395465850830078),
    sweepPoint(1, 0.002, 0.8393309712409973, 0.006211740430444479, 0.9571788311004639),
    sweepPoint(-1, 0.01, 0.942135214805603, 0.11283385008573532, 0.9471032619476318),
    sweepPoint(-1, 0.002, 0.8921946287155151, 0.026523467153310776, 0.9672544002532959),
  ],
  selection: {
    strengthen: {
      direction: 'strengthen',
      feature_factor: -1,
      learning_rate: 0.002,
      metric: 0.026523467153310776,
      reason: 'highest P(3) on 8s among the 1 of 2 candidates with accuracy ≥ 99 %',
    },
    weaken: {
      direction: 'weaken',
      feature_factor: 1,
      learning_rate: 0.002,
      metric: 1 - 0.8393309712409973,
      reason: 'no candidate keeps accuracy; the smallest learning rate instead',
    },
  },
});

function job(state: Job['state']): Job {
  return {
    id: JOB,
    kind: 'rewrite-effect',
    state,
    model: 'm',
    version: 1,
    progress: { fraction: state === 'done' ? 1 : 0.4, message: 'rewrite 2 of 5' },
    attempts: 1,
    max_attempts: 3,
    created_at: '2026-01-01T00:00:00.000Z',
    created_by: 'anonymous',
    started_at: '2026-01-01T00:00:00.000Z',
    finished_at: state === 'done' ? '2026-01-01T00:00:01.000Z' : null,
    updated_at: '2026-01-01T00:00:01.000Z',
    elapsed_ms: 1000,
    cancelled_by: null,
    result:
      state === 'done'
        ? {
            href: `/api/jobs/${JOB}/result`,
            content_type: 'application/json',
            size: 1,
            sha256: 'd'.repeat(64),
          }
        : null,
    error: null,
    href: `/api/jobs/${JOB}`,
  };
}

const version = makeVersion({
  base_model: 'digits-mlp',
  latent_dim: 1,
  gradient_context: { feature_class_encoding_direction: { '3': 1, '8': -1 } },
  training: { input_scale: 0.05 },
});

/** The API: the sweep answers 202 and its job is done on the second poll. */
function setupApi(bases: BaseModel[] = [base]) {
  let polls = 0;
  const calls = fakeFetch((req: FakeRequest) => {
    const p = req.url.pathname;
    if (p === '/api/base-models') return { items: bases };
    if (p === '/api/models/m/versions/1/rewrite-effect') {
      return new Response(JSON.stringify(job('queued')), {
        status: 202,
        headers: { 'content-type': 'application/json', location: `/api/jobs/${JOB}` },
      });
    }
    if (p === `/api/jobs/${JOB}`) return job(++polls < 2 ? 'running' : 'done');
    if (p === `/api/jobs/${JOB}/result`) return effect;
    if (p === '/api/models/m/versions/1/rewrite') {
      const body = req.body as { output: string; learning_rate: number; feature_factor: number[] };
      if (body.output === 'patch') return new Response(new Uint8Array([1, 2, 3]), { status: 200 });
      return new Response(
        JSON.stringify({
          ...base,
          id: 'e'.repeat(64),
          lineage: {
            base: BASE_ID,
            gradiend: { name: 'm', version: 1 },
            learning_rate: body.learning_rate,
            input_scale: 0.05,
            feature_factor: body.feature_factor,
            part: 'decoder',
          },
          downloads: { weights: `/api/base-models/${'e'.repeat(64)}/weights` },
        }),
        { status: 201, headers: { 'content-type': 'application/json' } },
      );
    }
    throw new Error(`unexpected ${req.method} ${p}`);
  });
  return calls;
}

const row = (key: string) => document.querySelector<HTMLTableRowElement>(`tr[data-point="${key}"]`);

describe('RewritePage', () => {
  afterEach(() => vi.restoreAllMocks());

  it('runs the sweep as a job, follows its progress, and shows every grid point with the guard and the choice', async () => {
    const calls = setupApi();
    renderVersionView(<RewritePage />, { version });
    const run = await screen.findByRole('button', { name: 'Run the sweep' });
    // The classes come from gradiend_context.json.
    expect(screen.getByLabelText('Target class')).toHaveValue('3');
    expect(screen.getByLabelText('Other class')).toHaveValue('8');
    fireEvent.click(run);
    await screen.findByText('Rewrite sweep');
    const sweep = calls.find((c) => c.url.pathname.endsWith('/rewrite-effect'));
    expect(sweep?.method).toBe('POST');
    expect(sweep?.body).toEqual({
      target: 3,
      other: 8,
      part: 'decoder',
      base: BASE_ID,
      scale_from_training: true,
    });

    // The job is polled once a second: done on the second poll.
    await screen.findByTestId('rewrite-result', {}, { timeout: 5000 });
    expect(screen.getByRole('status')).toHaveTextContent('Done');
    for (const c of effect.candidates) {
      const tr = row(`${c.feature_factor}@${c.learning_rate}`);
      expect(tr).not.toBeNull();
      expect(Number(tr?.dataset.pTarget)).toBe(c.mean_probability['3']);
      expect(Number(tr?.dataset.pOther)).toBe(c.mean_probability['8']);
      expect(Number(tr?.dataset.accuracy)).toBe(c.accuracy);
      // The guard, computed here from its definition.
      expect(tr?.dataset.guard).toBe(c.accuracy >= 0.99 * effect.base.accuracy ? 'pass' : 'fail');
    }
    expect(row('base')?.dataset.accuracy).toBe(String(effect.base.accuracy));
    expect(within(row('-1@0.01') as HTMLElement).getByText('0.942135')).toBeInTheDocument();
    expect(row('-1@0.002')?.dataset.chosen).toBe('strengthen');
    expect(row('1@0.002')?.dataset.chosen).toBe('weaken');
    expect(screen.getByTestId('reason-strengthen')).toHaveTextContent(effect.selection.strengthen.reason);
    expect(screen.getByTestId('reason-weaken')).toHaveTextContent(effect.selection.weaken.reason);
  });

  it('rewrites at the chosen point by default and at a point picked in the table, with matching curl lines', async () => {
    const calls = setupApi();
    renderVersionView(<RewritePage />, { version, url: `/v?rewrite-job=${JOB}` });
    const downloads = await screen.findByTestId('rewrite-downloads');
    expect(downloads.dataset.point).toBe('-1@0.002');
    expect(downloads).toHaveTextContent('"learning_rate":0.002,"feature_factor":[-1]');

    fireEvent.click(screen.getByLabelText('Use feature factor 1, learning rate 0.01'));
    await waitFor(() => expect(screen.getByTestId('rewrite-downloads').dataset.point).toBe('1@0.01'));
    expect(screen.getByTestId('rewrite-downloads')).toHaveTextContent(
      '"learning_rate":0.01,"feature_factor":[1],"part":"decoder","scale_from_training":true',
    );

    fireEvent.click(screen.getByRole('button', { name: 'Store the rewritten model' }));
    const stored = await screen.findByTestId('rewritten-model');
    expect(within(stored).getByRole('link')).toHaveAttribute(
      'href',
      `/api/base-models/${'e'.repeat(64)}/weights`,
    );
    const rewrite = calls.filter((c) => c.url.pathname.endsWith('/rewrite'));
    expect(rewrite[0]?.body).toEqual({
      learning_rate: 0.01,
      feature_factor: [1],
      part: 'decoder',
      scale_from_training: true,
      base: BASE_ID,
      output: 'model',
    });

    const created: Blob[] = [];
    vi.stubGlobal(
      'URL',
      Object.assign(URL, {
        createObjectURL: (b: Blob) => (created.push(b), 'blob:x'),
        revokeObjectURL: () => undefined,
      }),
    );
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => undefined);
    fireEvent.click(screen.getByRole('button', { name: 'Download the sparse patch' }));
    await waitFor(() => expect(click).toHaveBeenCalled());
    expect(calls.filter((c) => c.url.pathname.endsWith('/rewrite'))[1]?.body).toMatchObject({
      output: 'patch',
    });
    expect(created[0]?.size).toBe(3);
    vi.unstubAllGlobals();
  });

  it('says how to upload a base model when none is registered, and why a base without ONNX cannot be swept', async () => {
    setupApi([]);
    const first = renderVersionView(<RewritePage />, { version });
    expect(await screen.findByTestId('no-base-model')).toHaveTextContent(
      "curl -fsS -H 'content-type: application/octet-stream' --data-binary @model.safetensors",
    );
    first.unmount();
    vi.restoreAllMocks();
    setupApi([{ ...base, onnx: null }]);
    renderVersionView(<RewritePage />, { version });
    expect(await screen.findByTestId('sweep-needs')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Run the sweep' })).toBeDisabled();
  });
});
