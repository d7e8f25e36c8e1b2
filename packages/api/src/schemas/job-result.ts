import { Type, type Static } from '@sinclair/typebox';
import { PruneResultSchema } from './prune.js';
import { RewriteEffectSchema } from './rewrite.js';
import { CrossEncodingResponseSchema } from './cross-encoding.js';
import { EvaluationResponseSchema, PruningCurveResponseSchema } from './evaluation.js';
import { SimilarityMatrixResponseSchema } from './similarity.js';

/** What an `analysis-summary` job stores: the parts whose summaries are now in the analysis cache. */
export const AnalysisJobResultSchema = Type.Object(
  { parts: Type.Array(Type.String()) },
  { title: 'AnalysisJobResult' },
);
export type AnalysisJobResult = Static<typeof AnalysisJobResultSchema>;

/**
 * `GET /api/jobs/{id}/result`: the stored result of the job's kind, the body its route answers 200
 * with (the job's `kind` tells which). A kind that stores an artifact (`JobArtifact`) serves it with
 * its own content type instead (`result.content_type` in the job). Add a new kind's result here.
 */
export const JobResultSchema = Type.Union(
  [
    PruneResultSchema,
    RewriteEffectSchema,
    SimilarityMatrixResponseSchema,
    AnalysisJobResultSchema,
    EvaluationResponseSchema,
    PruningCurveResponseSchema,
    CrossEncodingResponseSchema,
  ],
  {
    title: 'JobResult',
    description:
      "By the job's kind: prune → PruneResult, rewrite-effect → RewriteEffect, similarity-matrix → SimilarityMatrixResponse, analysis-summary → AnalysisJobResult, labeled-set-evaluation → EvaluationResponse, pruning-curve → PruningCurveResponse, cross-encoding → CrossEncodingResponse",
  },
);
export type JobResult = Static<typeof JobResultSchema>;
