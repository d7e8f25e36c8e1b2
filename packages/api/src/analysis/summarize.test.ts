import { inspectCheckpoint, loadCheckpoint } from '@gradiend/core/node';
import { describe, expect, it } from 'vitest';
import { digitsPath, fixturePath } from '../test-support/fixtures.js';
import { summarizeCheckpoint, summarizeInspection } from './summarize.js';

describe('summaries of big checkpoints come from headers and equal the loaded ones', () => {
  it.each([
    fixturePath('two-layer-all', 'model'),
    fixturePath('mixed-latent3', 'model'),
    fixturePath('bert-shaped-224k', 'model'),
    fixturePath('dtype-float16', 'model'),
    digitsPath('gradiend-digits-3-vs-8'),
  ])('%s', async (dir) => {
    const ck = await loadCheckpoint(dir);
    const extras = { training: ck.training, gradiendContext: ck.gradiendContext };
    const inspection = await inspectCheckpoint(dir);
    expect(inspection.problems).toEqual([]);
    expect(summarizeInspection(inspection, extras)).toEqual(summarizeCheckpoint(ck.model, extras));
  });
});
