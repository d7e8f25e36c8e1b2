import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import errorHandlerPlugin from '../plugins/error-handler.js';
import { fixturePath } from '../test-support/fixtures.js';
import { loadCheckpoint } from '@gradiend/core/node';
import { toKnownProblem } from '../errors/problem.js';
import { InlineTaskRunner } from './inline-task-runner.js';
import { PoolTaskRunner } from './pool-task-runner.js';
import { taskHandlers } from './task-handlers.js';
import { workerSettings } from './worker-settings.js';
import { serializeTaskError, taskFailure, type TaskRunner } from './task-runner.js';
import type { TaskArgs, TaskName } from './task-types.js';

/** The status and problem document a route answers when the task it awaits fails. */
async function problemOf<K extends TaskName>(
  runner: TaskRunner,
  name: K,
  args: TaskArgs<K>,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const app = Fastify({ logger: false });
  // The error handler reads the data dir to keep server paths out of problem documents.
  app.decorate('services', { config: { dataDir: os.tmpdir() } } as never);
  await app.register(errorHandlerPlugin);
  app.get('/task', async () => {
    await runner.run(name, args);
    return { ok: true };
  });
  try {
    const res = await app.inject('/task');
    return { status: res.statusCode, body: res.json() };
  } finally {
    await app.close();
  }
}

describe('failing tasks', () => {
  const inline = new InlineTaskRunner(taskHandlers);
  let pool: PoolTaskRunner;
  let emptyDir: string;
  const model = {
    dir: fixturePath('two-layer-all', 'model'),
    key: 'two-layer-all',
    storedBytes: 0,
    inputDim: 60,
  };

  beforeAll(async () => {
    pool = new PoolTaskRunner({ threads: 1, settings: workerSettings(1024 ** 3, 1) });
    emptyDir = await mkdtemp(path.join(os.tmpdir(), 'gradiend-empty-'));
  });
  afterAll(async () => {
    await pool.close();
    await rm(emptyDir, { recursive: true, force: true });
  });

  const cases: {
    what: string;
    run: (r: TaskRunner) => ReturnType<typeof problemOf>;
    status: number;
    code: string;
  }[] = [
    {
      what: 'an ApiError with extra members (unknown parameter)',
      run: (r) =>
        problemOf(r, 'heatmap', {
          ...model,
          importance: new Float32Array(model.inputDim),
          part: 'decoder-weight',
          param: 'nope',
          rows: 4,
          cols: 4,
          agg: 'max',
        }),
      status: 404,
      code: 'GRADIEND_ERR_PARAM_NOT_FOUND',
    },
    {
      what: "a core GradiendError (keep_idx outside the model's input_dim)",
      run: (r) => problemOf(r, 'prunePreview', { ...model, request: { keep_idx: [1_000_000] } }),
      status: 422,
      code: 'GRADIEND_ERR_PRUNE_ARGUMENT',
    },
    {
      what: 'a core CheckpointError with its file (a folder without config.json)',
      run: (r) => problemOf(r, 'inspect', { dir: emptyDir, storedBytes: 0 }),
      status: 422,
      code: 'GRADIEND_ERR_CHECKPOINT',
    },
    {
      what: 'a RangeError (a negative heatmap size the route would have refused)',
      run: (r) =>
        problemOf(r, 'heatmap', {
          ...model,
          importance: new Float32Array(model.inputDim),
          part: 'decoder-weight',
          param: 'layer1.weight',
          rows: -1,
          cols: 4,
          agg: 'max',
        }),
      status: 422,
      code: 'GRADIEND_ERR_CORE',
    },
  ];

  for (const c of cases) {
    it(`${c.what}: the same problem document from the inline runner and the pool`, async () => {
      const a = await c.run(inline);
      const b = await c.run(pool);
      expect(a.status).toBe(c.status);
      expect(a.body.code).toBe(c.code);
      expect(b).toEqual(a);
    });
  }
});

describe('the task boundary', () => {
  it("maps the core's RangeError / TypeError argument checks to GRADIEND_ERR_CORE (422)", async () => {
    const { model } = await loadCheckpoint(fixturePath('two-layer-all', 'model'));
    let thrown: unknown;
    try {
      model.paramMap.baseGlobalIndex(1e12);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(RangeError);
    const problem = toKnownProblem(taskFailure(serializeTaskError(thrown)));
    expect(problem).toMatchObject({
      status: 422,
      code: 'GRADIEND_ERR_CORE',
      detail: (thrown as Error).message,
    });
  });

  it("leaves Node's own errors (ERR_* codes) and plain errors unknown, so they stay masked 500s", () => {
    const nodeError = Object.assign(new TypeError('The "path" argument must be of type string'), {
      code: 'ERR_INVALID_ARG_TYPE',
    });
    expect(toKnownProblem(taskFailure(serializeTaskError(nodeError)))).toBeNull();
    expect(toKnownProblem(taskFailure(serializeTaskError(new Error('disk on fire'))))).toBeNull();
  });
});
