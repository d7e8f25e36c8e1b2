import { ApiError } from '../errors/api-error.js';
import { defineJobKind, jobKey, type JobKind } from '../jobs/index.js';
import { RegistryService } from '../registry/registry-service.js';
import type { SimilarityMatrixResponse } from '../schemas/similarity.js';
import type { TaskRunner } from '../workers/task-runner.js';
import type { SimilarityRequest, SimilarityResult } from '../workers/task-types.js';

export const SIMILARITY_JOB = 'similarity-matrix';

/** top-k lists longer than this are left out of `per_model` (a 1 % top-k of BERT-base is ~10^6 indices). */
export const PER_MODEL_LIMIT = 10_000;

/** One row/column: its id and the versions (seeds) it stands for, with their contents' keys. */
export interface SimilarityJobGroup {
  readonly id: string;
  readonly versions: readonly {
    readonly model: string;
    readonly version: number;
    readonly content: string;
  }[];
}

/** What a similarity job needs to run on any instance: version numbers, their contents, the options. */
export interface SimilarityJobArgs {
  readonly groups: readonly SimilarityJobGroup[];
  readonly request: SimilarityRequest;
}

/** The job's key: the versions' contents per row and the options, never names or numbers. */
export function similarityJobKey(args: SimilarityJobArgs): string {
  return jobKey(SIMILARITY_JOB, {
    models: args.groups.map((g) => [g.id, g.versions.map((v) => v.content)]),
    similarity: args.request,
  });
}

/**
 * `POST /api/compare/matrix` as a job: loads every version on the worker pool and answers the
 * reference's payload. Done jobs are reused (the key names contents), which is the result cache.
 */
export function similarityJobKind(
  registry: RegistryService,
  tasks: TaskRunner,
): JobKind<SimilarityJobArgs, SimilarityMatrixResponse> {
  return defineJobKind({
    name: SIMILARITY_JOB,
    async run(args: SimilarityJobArgs, { signal, progress }) {
      const all = args.groups.flatMap((g) => g.versions);
      let done = 0;
      const models = [];
      for (const g of args.groups) {
        const handles = [];
        for (const v of g.versions) {
          signal.throwIfAborted();
          progress((0.3 * done++) / all.length, `checking out ${v.model}@${v.version}`);
          const record = await registry.resolve(v.model, String(v.version));
          // The number could name other content by now (deleted and uploaded again): not what was asked.
          if (RegistryService.contentKey(record.files) !== v.content)
            throw new ApiError(
              'GRADIEND_ERR_VERSION_NOT_FOUND',
              `${v.model}@${v.version} changed after the comparison was asked for`,
            );
          handles.push(await registry.checkout(record));
        }
        models.push({ id: g.id, handles });
      }
      progress(0.3, `comparing ${args.groups.length} models`);
      const value = await tasks.run('similarityMatrix', { models, request: args.request }, [], { signal });
      progress(1, 'done');
      return responseOf(args, value);
    },
  });
}

function responseOf(args: SimilarityJobArgs, value: SimilarityResult): SimilarityMatrixResponse {
  const models = args.groups.map((g) => ({
    id: g.id,
    versions: g.versions.map((v) => `${v.model}@${v.version}`),
  }));
  const ids = args.groups.map((g) => g.id);
  const similarity = args.request;
  if (value.kind === 'grouped') {
    const first = Object.values(value.groups)[0];
    return {
      kind: 'grouped',
      models,
      measure: first?.measure ?? similarity.measure ?? 'cosine',
      model_ids: ids,
      part: first?.part ?? similarity.part ?? 'encoder-weight',
      topk: first?.topk ?? null,
      ...(similarity.group_by !== undefined ? { group_by: similarity.group_by } : {}),
      groups: value.groups,
    };
  }
  const { per_model: perModel, ...matrix } = value.matrix;
  const small = perModel && Object.values(perModel).every((list) => list.length <= PER_MODEL_LIMIT);
  return {
    kind: 'matrix',
    models,
    ...matrix,
    ...(perModel ? (small ? { per_model: perModel } : { per_model_omitted: true }) : {}),
  };
}
