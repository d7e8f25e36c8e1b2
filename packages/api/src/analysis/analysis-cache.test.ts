import { loadCheckpoint } from '@gradiend/core/node';
import { describe, expect, it } from 'vitest';
import { fixturePath } from '../test-support/fixtures.js';
import { folderParts, multipart } from '../test-support/multipart.js';
import { createTestApp } from '../test-support/test-app.js';
import { PoolTaskRunner } from '../workers/pool-task-runner.js';
import type { TaskRunner } from '../workers/task-runner.js';
import type { TaskName } from '../workers/task-types.js';

/** Wraps the app's runner to count the tasks it runs. */
function counting(tasks: TaskRunner): Map<TaskName, number> {
  const counts = new Map<TaskName, number>();
  const run = tasks.run.bind(tasks);
  tasks.run = ((name, ...rest) => {
    counts.set(name, (counts.get(name) ?? 0) + 1);
    return run(name, ...rest);
  }) as TaskRunner['run'];
  return counts;
}

const DIR = fixturePath('bert-shaped-224k', 'model');

async function upload(app: Awaited<ReturnType<typeof createTestApp>>['app'], name: string) {
  const res = await app.inject({
    method: 'POST',
    url: `/api/models/${name}/versions`,
    ...multipart(folderParts(DIR)),
  });
  expect(res.statusCode, res.body).toBe(201);
}

describe('the per-version analysis cache', () => {
  it('computes each part once for concurrent requests, and serves the importance the core computes', async () => {
    const t = await createTestApp();
    try {
      const counts = counting(t.app.services.tasks);
      await upload(t.app, 'm');
      const urls = [
        '/api/models/m/versions/1/params',
        '/api/models/m/versions/1/importance/histogram?scale=log',
        '/api/models/m/versions/1/importance/histogram',
        '/api/models/m/versions/1/params',
      ];
      const answers = await Promise.all(urls.map((url) => t.app.inject(url)));
      for (const a of answers) expect(a.statusCode, a.body).toBe(200);
      expect(counts.get('analyzeImportance')).toBe(1);
      const f32 = await t.app.inject('/api/models/m/versions/1/importance?format=f32');
      const served = new Float32Array(new Uint8Array(f32.rawPayload).buffer);
      const { model } = await loadCheckpoint(DIR);
      expect(served).toEqual(Float32Array.from(model.importance('decoder-weight')));
      expect(counts.get('analyzeImportance')).toBe(1);
      // The version JSON tells which parts are ready.
      const version = (await t.app.inject('/api/models/m/versions/1')).json();
      expect(version.analysis).toEqual([expect.objectContaining({ part: 'decoder-weight', state: 'ready' })]);
    } finally {
      await t.close();
    }
  });

  it('is stored in the blob store: a restarted instance answers without recomputing', async () => {
    const first = await createTestApp();
    await upload(first.app, 'm');
    const before = (await first.app.inject('/api/models/m/versions/1/params?part=encoder-weight')).json();
    await first.app.services.analysis.idle();
    const dataDir = first.dataDir;
    await first.app.close();
    // A new app on the same data dir: same SQLite database and blob store.
    const second = await createTestApp({ dataDir });
    try {
      const counts = counting(second.app.services.tasks);
      const after = (await second.app.inject('/api/models/m/versions/1/params?part=encoder-weight')).json();
      expect(after).toEqual(before);
      const heatmap = await second.app.inject(
        `/api/models/m/versions/1/params/${encodeURIComponent(before.items[0].name)}/heatmap?part=encoder-weight`,
      );
      expect(heatmap.statusCode, heatmap.body).toBe(200);
      expect(counts.get('analyzeImportance')).toBeUndefined();
    } finally {
      await second.close();
      await first.close();
    }
  });

  it('starts in the background on upload when enabled', async () => {
    const t = await createTestApp({ backgroundAnalysis: true });
    try {
      await upload(t.app, 'm');
      let parts: { state: string }[] | null = null;
      for (let i = 0; i < 200; i++) {
        parts = (await t.app.inject('/api/models/m/versions/1')).json().analysis;
        if (parts?.length === 4 && parts.every((p) => p.state === 'ready')) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(parts?.map((p) => p.state)).toEqual(['ready', 'ready', 'ready', 'ready']);
      await t.app.services.analysis.idle();
    } finally {
      await t.close();
    }
  });
});

describe('cancelling a task on a worker thread', () => {
  it('a scan whose request was aborted stops with the abort reason', async () => {
    const tasks = new PoolTaskRunner({
      threads: 1,
      settings: { heapLimitMb: 256, modelCacheBytes: 1024 * 1024 },
    });
    try {
      const importance = new Float32Array(new SharedArrayBuffer(4 * (1 << 23)));
      const controller = new AbortController();
      const running = tasks.run('keptByThreshold', { importance, segments: [1 << 23], threshold: 0 }, [], {
        signal: controller.signal,
      });
      controller.abort(new Error('superseded'));
      await expect(running).rejects.toThrow('superseded');
      // Not aborted: the same scan answers.
      const kept = await tasks.run('keptByThreshold', { importance, segments: [1 << 23], threshold: 0 });
      expect(kept).toEqual([1 << 23]);
    } finally {
      await tasks.close();
    }
  });
});
