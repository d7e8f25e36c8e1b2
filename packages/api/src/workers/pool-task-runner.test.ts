import { afterAll, describe, expect, it } from 'vitest';
import { ApiError } from '../errors/api-error.js';
import { fixturePath } from '../test-support/fixtures.js';
import { PoolTaskRunner } from './pool-task-runner.js';
import { TaskError } from './task-runner.js';

const model = {
  dir: fixturePath('two-layer-all', 'model'),
  key: 'two-layer-all',
  storedBytes: 0,
  inputDim: 0,
};

describe('PoolTaskRunner', () => {
  const pool = new PoolTaskRunner({
    threads: 1,
    settings: { heapLimitMb: 64, modelCacheBytes: 1024 * 1024 },
    workerFile: new URL('../test-support/crashing-worker.ts', import.meta.url),
  });
  afterAll(() => pool.close());

  it.each(['oom', 'exit'])(
    'a worker that dies (%s) fails its task with WORKER_CRASHED, and the next task runs on a fresh one',
    async (key) => {
      const before = await pool.run('analyzeImportance', { ...model, part: 'decoder-weight' });
      const error: unknown = await pool
        .run('analyzeImportance', { ...model, key, part: 'decoder-weight' })
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(error).toBeInstanceOf(ApiError);
      expect(error).toMatchObject({ status: 500, code: 'GRADIEND_ERR_WORKER_CRASHED' });
      expect((error as Error).message).toContain(key === 'oom' ? 'ran out of memory' : 'stopped');
      expect(await pool.run('analyzeImportance', { ...model, part: 'decoder-weight' })).toEqual(before);
    },
  );

  it('reports a failing task as the task error, not as a crash', async () => {
    const error: unknown = await pool
      .run('analyzeImportance', { ...model, dir: '/nonexistent', key: 'missing', part: 'decoder-weight' })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(TaskError);
  });
});
