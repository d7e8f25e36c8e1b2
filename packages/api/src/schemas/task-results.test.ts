import { Value } from '@sinclair/typebox/value';
import { Type, type TSchema } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { paramRows } from '../analysis/param-rows.js';
import { histogramFromSummary } from '../analysis/summary-histogram.js';
import { fixturePath } from '../test-support/fixtures.js';
import { InlineTaskRunner } from '../workers/inline-task-runner.js';
import { taskHandlers } from '../workers/task-handlers.js';
import {
  HeatmapSchema,
  HistogramSchema,
  ParamRowSchema,
  SelectionOverlapSchema,
  TopkRowSchema,
} from './analysis.js';
import { PruneOutcomeSchema } from './prune.js';
import { CheckpointSummarySchema } from './registry.js';

/** Schema violations of `value`, as "path: message" (empty when it conforms). */
function violations(schema: TSchema, value: unknown): string[] {
  return [...Value.Errors(schema, value)].map((e) => `${e.path}: ${e.message}`);
}

// The route schemas are what clients are promised; the serializer would silently coerce or drop
// what does not fit, so the task results are checked against them directly.
describe('task results conform to the HTTP schemas they are served with', () => {
  const tasks = new InlineTaskRunner(taskHandlers);
  for (const fixture of ['mixed-latent3', 'bert-shaped-224k', 'dtype-float16']) {
    it(fixture, async () => {
      const dir = fixturePath(fixture, 'model');
      const summary = await tasks.run('inspect', { dir, storedBytes: 0 });
      const h = { dir, key: fixture, storedBytes: 0, inputDim: summary.input_dim };
      expect(violations(CheckpointSummarySchema, summary)).toEqual([]);
      const param = summary.param_map[0]?.name as string;
      const part = 'decoder-weight' as const;
      // params and histogram are answered from the cached importance summary, the rest by tasks.
      const { importance, summary: analysed } = await tasks.run('analyzeImportance', { ...h, part });
      const withImportance = { ...h, importance };
      const ranking = await tasks.run('topkIndices', { importance, summary: analysed, k: 10 });
      const checks: [TSchema, unknown][] = [
        [Type.Array(ParamRowSchema), paramRows(summary, analysed)],
        [HistogramSchema, histogramFromSummary(analysed, part, 16, 'log')],
        [HistogramSchema, histogramFromSummary(analysed, part, 16, 'linear')],
        [
          HeatmapSchema,
          await tasks.run('heatmap', { ...withImportance, part, param, rows: 8, cols: 8, agg: 'mean' }),
        ],
        [
          Type.Array(TopkRowSchema),
          (await tasks.run('topk', { ...h, part, k: { count: 10 }, offset: 0, limit: 10 })).items,
        ],
        [
          Type.Array(TopkRowSchema),
          (await tasks.run('topk', { ...h, part, k: { count: 10 }, ranking, offset: 0, limit: 10 })).items,
        ],
        [
          SelectionOverlapSchema,
          await tasks.run('compare', {
            a: { ...h, indices: ranking.indices },
            b: { ...h, indices: ranking.indices },
          }),
        ],
        [
          PruneOutcomeSchema,
          (await tasks.run('prunePreview', { ...h, request: { topk: { count: 5 } } })).preview,
        ],
      ];
      for (const [schema, value] of checks) expect(violations(schema, value)).toEqual([]);
    });
  }
});
