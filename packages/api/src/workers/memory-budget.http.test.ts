import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturePath } from '../test-support/fixtures.js';
import { folderParts, multipart } from '../test-support/multipart.js';
import { createTestApp, type TestApp } from '../test-support/test-app.js';
import type { BudgetedTaskRunner } from './budgeted-task-runner.js';

describe('memory budget over HTTP', () => {
  let t: TestApp;
  beforeAll(async () => {
    // No waiting: a task that does not fit is turned away at once.
    t = await createTestApp({ analysisQueueLength: 0 });
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/models/bert/versions',
      ...multipart(folderParts(fixturePath('bert-shaped-224k', 'model'))),
    });
    expect(res.statusCode, res.body).toBe(201);
  });
  afterAll(() => t.close());

  it('answers 503 problem+json with Retry-After while the budget is taken, then serves again', async () => {
    const url = '/api/models/bert/versions/1/params';
    const { budget } = t.app.services.tasks as BudgetedTaskRunner;
    // Another task holds all of it (as a BERT-sized one would).
    const release = await budget.acquire(budget.capacity);
    const busy = await t.app.inject(url);
    expect(busy.statusCode).toBe(503);
    expect(busy.headers['content-type']).toContain('application/problem+json');
    expect(busy.headers['retry-after']).toBe('2');
    expect(busy.json()).toMatchObject({ code: 'GRADIEND_ERR_SERVER_BUSY', status: 503, retry_after: 2 });
    release();
    expect((await t.app.inject(url)).statusCode).toBe(200);
    // No task runs; the float32 importance the analysis cache keeps stays charged.
    const { input_dim: inputDim } = (await t.app.inject('/api/models/bert/versions/1')).json();
    expect(budget.state()).toMatchObject({ used: 4 * inputDim, running: 0, waiting: 0 });
  });

  it('lets a request wait for the budget when the queue has room', async () => {
    const waiting = await createTestApp({ analysisQueueLength: 4 });
    try {
      const res = await waiting.app.inject({
        method: 'POST',
        url: '/api/models/bert/versions',
        ...multipart(folderParts(fixturePath('bert-shaped-224k', 'model'))),
      });
      expect(res.statusCode, res.body).toBe(201);
      const queued = (waiting.app.services.tasks as BudgetedTaskRunner).budget;
      const release = await queued.acquire(queued.capacity);
      const pending = waiting.app.inject('/api/models/bert/versions/1/params');
      // The request reaches the budget after resolving and checking out the version.
      for (let tries = 0; queued.state().waiting === 0 && tries < 500; tries++) {
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(queued.state().waiting).toBe(1);
      const metrics = (await waiting.app.inject('/metrics')).body;
      expect(metrics).toContain('gradiend_analysis_tasks{state="waiting"} 1');
      expect(metrics).toContain(`gradiend_analysis_memory_bytes{state="used"} ${queued.capacity}`);
      release();
      expect((await pending).statusCode).toBe(200);
    } finally {
      await waiting.close();
    }
  });
});
