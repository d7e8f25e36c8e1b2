import type { EvaluationResponse, Job, LabeledSet, PruningCurveResponse } from '../api/contract';

/** A job as the API describes it, done (with its result's href) or still running. */
export function makeJob(id: string, kind: string, state: Job['state']): Job {
  return {
    id,
    kind,
    state,
    model: 'm',
    version: 1,
    progress: { fraction: state === 'done' ? 1 : 0.4, message: 'encoding samples' },
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
            href: `/api/jobs/${id}/result`,
            content_type: 'application/json',
            size: 1,
            sha256: 'd'.repeat(64),
          }
        : null,
    error: null,
    href: `/api/jobs/${id}`,
  };
}

export function makeLabeledSet(patch: Partial<LabeledSet> = {}): LabeledSet {
  return {
    name: 'digits-test',
    model: 'm',
    description: '',
    root_version: 1,
    format: 'per-sample',
    n_samples: 4,
    input_dim: 60,
    dtype: 'F32',
    label_counts: { '-1.0': 2, '1.0': 2 },
    content_sha256: 'e'.repeat(64),
    files: [{ name: 'manifest.json', sha256: 'f'.repeat(64), size: 100 }],
    bytes: 1000,
    created_at: '2026-01-01T00:00:00.000Z',
    created_by: 'anonymous',
    ...patch,
  };
}

/** An evaluation answer around a scorecard; samples as given (label, encoded). */
export function makeEvaluation(
  metrics: Record<string, unknown>,
  samples: { label: number; encoded: number[]; data_split?: string }[],
  patch: Partial<EvaluationResponse> = {},
): EvaluationResponse {
  return {
    model: 'm',
    version: 1,
    set: 'digits-test',
    root_version: 1,
    input_scale: 1,
    latent_dim: 1,
    metrics,
    convergence: {
      converged: true,
      min_target_class_abs_mean: null,
      reason: null,
      criteria: { score_threshold: 0.5, mean_by_class_threshold: 0.5 },
    },
    samples: samples.map((s, index) => ({ index, file: `s${index}.safetensors`, ...s })),
    ...patch,
  };
}

/** A pruning curve with the given (k, correlation) points; class means and scores derived from them. */
export function makeCurve(
  points: readonly (readonly [number, number])[],
  patch: Partial<PruningCurveResponse> = {},
): PruningCurveResponse {
  const last = points[points.length - 1] ?? [60, 0];
  return {
    model: 'm',
    version: 1,
    set: 'digits-test',
    root_version: 1,
    part: 'decoder-weight',
    input_dim: last[0],
    input_scale: 1,
    unpruned: { correlation: last[1], mean_by_class: { '-1.0': -last[1], '1.0': last[1] } },
    points: points.map(([k, correlation]) => ({
      k,
      kept_dims: k,
      correlation,
      accuracy: correlation,
      all_data: { correlation, accuracy: correlation },
      training_only: { correlation, accuracy: correlation },
      target_classes_only: { correlation, accuracy: correlation },
      mean_by_class: { '-1.0': -correlation, '1.0': correlation },
      encoded: [],
    })),
    ...patch,
  };
}
