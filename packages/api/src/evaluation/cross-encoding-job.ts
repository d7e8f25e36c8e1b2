import {
  crossEncodingMatrix,
  normalizeRowsByDiagonal,
  type CrossEncodingMetric,
  type Dispersion,
  type EncodedLabeledRows,
  type SeedAggregate,
} from '@gradiend/core';
import { ApiError } from '../errors/api-error.js';
import { defineJobKind, jobKey, type JobKind } from '../jobs/index.js';
import { RegistryService } from '../registry/registry-service.js';
import type { CrossEncodingResponse } from '../schemas/cross-encoding.js';
import type { MetadataStore } from '../storage/metadata-store.js';
import type { TaskRunner } from '../workers/task-runner.js';
import { encodeVersionOnSet } from './evaluation-jobs.js';
import type { LabeledSetService } from './labeled-set-service.js';

export const CROSS_ENCODING_JOB = 'cross-encoding';

interface VersionRef {
  readonly model: string;
  readonly version: number;
  readonly content: string;
}

/** Everything the job needs on any instance: rows, columns and their contents, and the options. */
export interface CrossEncodingJobArgs {
  readonly rows: readonly { readonly id: string; readonly versions: readonly VersionRef[] }[];
  readonly columns: readonly { readonly model: string; readonly set: string; readonly content: string }[];
  readonly options: {
    readonly metric: CrossEncodingMetric;
    readonly normalize: boolean;
    readonly allowIncomplete: boolean;
    readonly seedAggregate: SeedAggregate;
    readonly dispersion: Dispersion;
  };
}

/** Keys name contents only (a re-uploaded version or set is other content) and the options. */
export function crossEncodingJobKey(args: CrossEncodingJobArgs): string {
  return jobKey(CROSS_ENCODING_JOB, {
    rows: args.rows.map((r) => ({ id: r.id, versions: r.versions.map((v) => v.content) })),
    columns: args.columns.map((c) => c.content),
    options: args.options,
  });
}

interface Deps {
  readonly meta: MetadataStore;
  readonly registry: RegistryService;
  readonly tasks: TaskRunner;
  readonly sets: LabeledSetService;
}

export function crossEncodingJobKind(deps: Deps): JobKind<CrossEncodingJobArgs, CrossEncodingResponse> {
  return defineJobKind({
    name: CROSS_ENCODING_JOB,
    async run(args: CrossEncodingJobArgs, { signal, progress }) {
      const { rows, columns, options } = args;
      const sets = await Promise.all(
        columns.map(async (c) => {
          const set = await deps.sets.require(c.model, c.set);
          if (set.contentSha256 !== c.content)
            throw new ApiError(
              'GRADIEND_ERR_LABELED_SET_NOT_FOUND',
              `labeled set ${c.model}/${c.set} changed after it was asked for`,
            );
          return set;
        }),
      );
      const total = rows.reduce((n, r) => n + r.versions.length, 0) * columns.length;
      // cells[i][j]: one entry per seed of row i that could encode set j.
      const cells: EncodedLabeledRows[][][] = rows.map(() => columns.map(() => []));
      const unavailable: CrossEncodingResponse['unavailable'] = [];
      let done = 0;
      for (const [i, row] of rows.entries()) {
        for (const ref of row.versions) {
          const record = await deps.registry.resolve(ref.model, String(ref.version));
          if (RegistryService.contentKey(record.files) !== ref.content)
            throw new ApiError(
              'GRADIEND_ERR_VERSION_NOT_FOUND',
              `${ref.model}@${ref.version} changed after it was asked for`,
            );
          for (const [j, set] of sets.entries()) {
            signal.throwIfAborted();
            progress(done / total, `${ref.model}@${ref.version} encodes ${set.model}/${set.name}`);
            try {
              // The cell's own progress (0…0.9 of its samples) is a slice of the whole matrix.
              const cellProgress = (fraction: number, what?: string) =>
                progress((done + fraction / 0.9) / total, what);
              const value = await encodeVersionOnSet(deps, record, set, null, {
                signal,
                progress: cellProgress,
              });
              const l = value.latentDim;
              // The first latent dimension: the one a GRADIEND's feature is read from.
              cells[i]![j]!.push({
                encoded: Array.from(set.samples, (_, s) => value.encoded[s * l] as number),
                labels: set.samples.map((s) => s.label),
                types: set.samples.map((s) => s.type ?? null),
              });
            } catch (e) {
              if (!(
                options.allowIncomplete &&
                e instanceof ApiError &&
                e.code === 'GRADIEND_ERR_LABELED_SET_SPACE'
              ))
                throw e;
              unavailable.push({ row: i, column: j, detail: e.message });
            }
            done++;
          }
        }
      }
      progress(1, 'aggregating');
      let matrix = crossEncodingMatrix(
        rows.map((r) => r.id),
        columns.map((c) => `${c.model}/${c.set}`),
        (i, j) => cells[i]?.[j] ?? null,
        {
          metric: options.metric,
          allowIncomplete: options.allowIncomplete,
          seedAggregate: options.seedAggregate,
          dispersion: options.dispersion,
        },
      );
      if (options.normalize) matrix = normalizeRowsByDiagonal(matrix);
      return {
        ...matrix,
        rows: [...matrix.rows],
        columns: [...matrix.columns],
        row_versions: rows.map((r) => r.versions.map((v) => `${v.model}@${v.version}`)),
        unavailable,
      };
    },
  });
}
