import { describe, expect, it } from 'vitest';
import { loadCheckpoint } from './load-checkpoint.js';
import { readCheckpoint } from './checkpoint-reader.js';
import { planCheckpoint } from './checkpoint-plan.js';
import { pruneStandIn } from './prune-stand-in.js';
import { fixturePath, digitsPath } from '../test-support/fixtures.js';
import type { CheckpointPlan } from './checkpoint-plan.js';

/** Everything of a plan that decides its size: texts and tensor headers, not tensor data. */
function sizes(plan: CheckpointPlan) {
  const headers = (list: CheckpointPlan['weights'] | null) =>
    list?.map(([name, t]) => ({ name, dtype: t.dtype, shape: [...t.shape] })) ?? null;
  return {
    config: plan.config,
    weights: headers(plan.weights),
    indices: headers(plan.mappingIndices),
    masks: headers(plan.mappingMasks),
    json: plan.jsonFiles,
  };
}

describe("a prune's stand-in plans a checkpoint of the real prune's sizes", () => {
  it.each([
    ['mixed-latent3', { topk: 5 }],
    ['bert-shaped-224k', { topk: { fraction: 0.01 } }],
    ['bert-shaped-224k', { threshold: 'median' }],
    ['dtype-float16', { topk: 3 }],
    ['two-layer-all', { topk: { fraction: 0.5 } }],
  ] as const)('%s with %j', async (name, options) => {
    const dir = fixturePath(name, 'model');
    const { model, training } = await loadCheckpoint(dir);
    // A threshold at the median importance keeps about half of the dims.
    const median = Float64Array.from(model.importance()).sort()[Math.floor(model.inputDim / 2)] ?? 0;
    const args = 'threshold' in options ? { threshold: median } : options;
    const real = model.prune(args).model;
    const kept = real.paramMap.entries.map((e) => e.numSelected);
    const headers = await readCheckpoint(dir, { weights: 'headers' });
    const standIn = pruneStandIn({ ...headers, config: headers.location.config }, kept);
    expect(sizes(planCheckpoint(standIn, { training }))).toEqual(sizes(planCheckpoint(real, { training })));
  });

  it('the digits demo pruned to 10 dims', async () => {
    const dir = digitsPath('gradiend-digits-3-vs-8');
    const { model, training } = await loadCheckpoint(dir);
    const real = model.prune({ topk: 10 }).model;
    const headers = await readCheckpoint(dir, { weights: 'headers' });
    const kept = real.paramMap.entries.map((e) => e.numSelected);
    const standIn = pruneStandIn({ ...headers, config: headers.location.config }, kept);
    expect(sizes(planCheckpoint(standIn, { training }))).toEqual(sizes(planCheckpoint(real, { training })));
  });

  it('rejects counts that do not fit the parameters', async () => {
    const headers = await readCheckpoint(fixturePath('mixed-latent3', 'model'), { weights: 'headers' });
    const source = { ...headers, config: headers.location.config };
    expect(() => pruneStandIn(source, [1])).toThrow(RangeError);
    expect(() =>
      pruneStandIn(
        source,
        headers.paramMap.entries.map((e) => e.numSelected + 1),
      ),
    ).toThrow(RangeError);
  });
});
