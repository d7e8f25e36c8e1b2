import {
  encoderMetrics,
  scorecardConvergence,
  type EncodedRow,
  type EncoderMetrics,
  type ImportancePart,
} from '@gradiend/core';
import { ApiError } from '../errors/api-error.js';
import { defineJobKind, jobKey, type JobContext, type JobKind } from '../jobs/index.js';
import { RegistryService } from '../registry/registry-service.js';
import type { EvaluationResponse, PruningCurveResponse } from '../schemas/evaluation.js';
import type {
  LabeledSampleRecord,
  LabeledSetRecord,
  MetadataStore,
  VersionRecord,
} from '../storage/metadata-store.js';
import type { TaskRunner } from '../workers/task-runner.js';
import type { EvaluateSetResult } from './evaluate-set.js';
import type { LabeledSetService } from './labeled-set-service.js';

export const EVALUATION_JOB = 'labeled-set-evaluation';
export const PRUNING_CURVE_JOB = 'pruning-curve';
/** How often a running job reports the samples its task has encoded. */
const PROGRESS_MS = 500;

/** What an evaluation job needs on any instance: the version and set by name, with their contents. */
export interface EvaluationJobArgs {
  readonly model: string;
  readonly version: number;
  /** The version's content key (a re-uploaded number is other content). */
  readonly content: string;
  readonly set: { readonly name: string; readonly content: string };
}

export interface PruningCurveJobArgs extends EvaluationJobArgs {
  readonly part: ImportancePart;
  readonly points: number;
  readonly ks: readonly number[];
}

/**
 * Keys name the contents (the version's files, the set's files) and the arguments, plus the names
 * the answer states: the same files under another model or set name are another answer.
 */
export function evaluationJobKey(args: EvaluationJobArgs): string {
  return jobKey(EVALUATION_JOB, {
    version: args.content,
    set: args.set.content,
    names: [args.model, args.version, args.set.name],
  });
}

export function pruningCurveJobKey(args: PruningCurveJobArgs): string {
  return jobKey(PRUNING_CURVE_JOB, {
    version: args.content,
    set: args.set.content,
    names: [args.model, args.version, args.set.name],
    part: args.part,
    points: args.points,
    ks: [...args.ks].sort((a, b) => a - b),
  });
}

interface Deps {
  readonly meta: MetadataStore;
  readonly registry: RegistryService;
  readonly tasks: TaskRunner;
  readonly sets: LabeledSetService;
}

function rowsAt(
  samples: readonly LabeledSampleRecord[],
  values: Float64Array,
  l: number,
  offset = 0,
): EncodedRow[] {
  return samples.map((s, i) => {
    const at = offset + i * l;
    return {
      encoded: l === 1 ? (values[at] as number) : Array.from(values.subarray(at, at + l)),
      label: s.label,
      ...(s.type !== undefined ? { type: s.type } : {}),
      ...(s.source_id !== undefined ? { sourceId: s.source_id } : {}),
      ...(s.target_id !== undefined ? { targetId: s.target_id } : {}),
      ...(s.data_split !== undefined ? { dataSplit: s.data_split } : {}),
    };
  });
}

/** Encodes the set with the version on the worker pool (checking both are still what was asked for). */
async function encodeSet(
  deps: Deps,
  args: EvaluationJobArgs,
  curve: { part: ImportancePart; points: number; ks: readonly number[] } | null,
  context: Pick<JobContext, 'signal' | 'progress'>,
): Promise<{ set: LabeledSetRecord; value: EvaluateSetResult }> {
  const record = await deps.registry.resolve(args.model, String(args.version));
  if (RegistryService.contentKey(record.files) !== args.content)
    throw new ApiError(
      'GRADIEND_ERR_VERSION_NOT_FOUND',
      `${args.model}@${args.version} changed after it was asked for`,
    );
  const set = await deps.sets.require(args.model, args.set.name);
  if (set.contentSha256 !== args.set.content)
    throw new ApiError(
      'GRADIEND_ERR_LABELED_SET_NOT_FOUND',
      `labeled set ${args.set.name} changed after it was asked for`,
    );
  await deps.sets.requireServes(set, record);
  return { set, value: await encodeVersionOnSet(deps, record, set, curve, context) };
}

/**
 * Encodes a set's samples with a version on the worker pool. The set may belong to another model of
 * the same base space: the worker maps the version's dims into the set's space by base parameter and
 * position, and refuses with LABELED_SET_SPACE a dim the set does not hold.
 */
export async function encodeVersionOnSet(
  deps: Pick<Deps, 'meta' | 'registry' | 'tasks'>,
  record: VersionRecord,
  set: LabeledSetRecord,
  curve: { part: ImportancePart; points: number; ks: readonly number[] } | null,
  { signal, progress }: Pick<JobContext, 'signal' | 'progress'>,
): Promise<EvaluateSetResult> {
  const handle = await deps.registry.checkout(record);
  let root: { dir: string } | null = null;
  if (set.format === 'batched' && set.rootVersionId !== record.id) {
    const rootRecord = await deps.meta.getVersionById(set.rootVersionId);
    if (!rootRecord)
      throw new ApiError('GRADIEND_ERR_VERSION_NOT_FOUND', `the root of ${set.name} was deleted`);
    root = { dir: (await deps.registry.checkout(rootRecord)).dir };
  }
  const gradients = set.files.filter((f) => !f.name.startsWith('manifest.'));
  const dir = await deps.registry.checkoutFileSet(`set-${set.contentSha256}`, gradients);
  signal.throwIfAborted();
  // The task counts finished samples in shared memory; the job reports them as they come.
  const done = new Int32Array(new SharedArrayBuffer(4));
  const n = set.samples.length;
  const timer = setInterval(() => {
    const k = Atomics.load(done, 0);
    progress((0.9 * k) / n, `encoded ${k} of ${n} samples${curve ? ' at every k' : ''}`);
  }, PROGRESS_MS);
  return deps.tasks
    .run(
      'evaluateSet',
      {
        ...handle,
        root,
        largestParamNumel:
          set.format === 'per-sample' ? Math.max(0, ...record.summary.param_map.map((p) => p.numel)) : 0,
        set: {
          format: set.format,
          dir,
          samples: set.samples,
          ...(set.format === 'batched' ? { batchedFile: gradients[0]?.name as string } : {}),
        },
        curve: curve ? { part: curve.part, points: curve.points, ks: [...curve.ks] } : null,
        done,
      },
      [],
      { signal },
    )
    .finally(() => clearInterval(timer));
}

function convergenceJson(metrics: EncoderMetrics): EvaluationResponse['convergence'] {
  const v = scorecardConvergence(metrics);
  return {
    converged: v.converged,
    min_target_class_abs_mean: v.minTargetClassAbsMean,
    reason: v.reason,
    criteria: {
      score_threshold: v.criteria.scoreThreshold,
      mean_by_class_threshold: v.criteria.meanByClassThreshold,
    },
  };
}

export function evaluationJobKind(deps: Deps): JobKind<EvaluationJobArgs, EvaluationResponse> {
  return defineJobKind({
    name: EVALUATION_JOB,
    async run(args: EvaluationJobArgs, context) {
      const { progress } = context;
      progress(0, `encoding the samples of ${args.set.name}`);
      const { set, value } = await encodeSet(deps, args, null, context);
      progress(0.9, 'scoring');
      const l = value.latentDim;
      const metrics = encoderMetrics(rowsAt(set.samples, value.encoded, l));
      progress(1, 'done');
      return {
        model: args.model,
        version: args.version,
        set: set.name,
        root_version: set.rootVersion,
        input_scale: value.inputScale,
        latent_dim: l,
        metrics: metrics as unknown as Record<string, unknown>,
        convergence: convergenceJson(metrics),
        samples: set.samples.map((s, index) => ({
          index,
          ...s,
          encoded: Array.from(value.encoded.subarray(index * l, (index + 1) * l)),
        })),
      };
    },
  });
}

export function pruningCurveJobKind(deps: Deps): JobKind<PruningCurveJobArgs, PruningCurveResponse> {
  return defineJobKind({
    name: PRUNING_CURVE_JOB,
    async run(args: PruningCurveJobArgs, context) {
      const { signal, progress } = context;
      progress(0, `encoding the samples of ${args.set.name} at every k`);
      const { set, value } = await encodeSet(deps, args, args, context);
      const curve = value.curve;
      if (!curve) throw new Error('the evaluate task returned no curve');
      progress(0.9, 'scoring every k');
      const l = value.latentDim;
      const n = set.samples.length;
      const unpruned = encoderMetrics(rowsAt(set.samples, value.encoded, l));
      const points = curve.ks.map((k, j) => {
        signal.throwIfAborted();
        const m = encoderMetrics(rowsAt(set.samples, curve.encoded, l, j * n * l));
        const encoded = set.samples.map((_, i) =>
          Array.from(curve.encoded.subarray((j * n + i) * l, (j * n + i + 1) * l)),
        );
        return {
          k,
          kept_dims: k,
          correlation: m.correlation,
          accuracy: m.training_only.accuracy,
          all_data: m.all_data,
          training_only: m.training_only,
          target_classes_only: m.target_classes_only,
          mean_by_class: { ...m.mean_by_class },
          encoded,
        };
      });
      progress(1, 'done');
      return {
        model: args.model,
        version: args.version,
        set: set.name,
        root_version: set.rootVersion,
        part: args.part,
        input_dim: value.inputDim,
        input_scale: value.inputScale,
        unpruned: { correlation: unpruned.correlation, mean_by_class: { ...unpruned.mean_by_class } },
        points,
      };
    },
  });
}
