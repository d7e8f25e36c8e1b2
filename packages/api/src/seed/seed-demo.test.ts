import { mkdir, readFile, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { encoderMetrics } from '@gradiend/core';
import { DIGITS_DEMO_FILES, ensureBuiltInDemos } from '@gradiend/core/node';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../test-support/test-app.js';
import { demoCacheDir, seedDemo } from './seed-demo.js';
import { DEMO_LABELED_SET } from './seed-labeled-set.js';

/**
 * The demos are built into one cache shared by test runs (keyed by recipe hash, written atomically),
 * so only the first run pays the build; the core's digits-demo test checks a fresh build.
 */
const SHARED_CACHE = path.join(os.tmpdir(), 'gradiend-test-demo-cache');

interface SampleIndex {
  samples: { file: string; digit: number; label: number; encoded_after_input_scale: number }[];
}

describe('seeding the built-in demos', () => {
  let t: TestApp;
  let seeded: string[];
  const lines: { msg: string }[] = [];

  beforeAll(async () => {
    t = await createTestApp();
    await mkdir(SHARED_CACHE, { recursive: true });
    await symlink(SHARED_CACHE, demoCacheDir(t.dataDir));
    const log = pino(
      { level: 'info' },
      { write: (s: string) => lines.push(JSON.parse(s) as { msg: string }) },
    );
    seeded = await seedDemo(
      t.app.services.meta,
      t.app.services.registry,
      log,
      t.dataDir,
      t.app.services.baseModels,
    );
  }, 180_000);
  afterAll(() => t?.close());

  it('registers the digits GRADIEND and the BERT-shaped example on an empty registry', async () => {
    expect(seeded).toEqual(['digits-3-vs-8', 'bert-shaped-1.7m']);
    const res = await t.app.inject({ url: '/api/models' });
    const names = (res.json() as { items: { name: string }[] }).items.map((m) => m.name).sort();
    expect(names).toEqual(['bert-shaped-1.7m', 'digits-3-vs-8']);
    const bert = (await t.app.inject({ url: '/api/models/bert-shaped-1.7m/versions/1' })).json() as {
      input_dim: number;
    };
    expect(bert.input_dim).toBe(1_714_944);
    expect(lines.map((l) => l.msg)).toContain('demo model registered');
  });

  it('registers the digits base model (weights, ONNX graph, test set) so its rewrite effect can be swept', async () => {
    const list = (await t.app.inject('/api/base-models?name=mnist-8x8-mlp-64-32-10')).json() as {
      items: { id: string; onnx: unknown; test_set: unknown; lineage: unknown }[];
    };
    expect(list.items).toHaveLength(1);
    expect(list.items[0]).toMatchObject({ lineage: null });
    expect(list.items[0]?.onnx).not.toBeNull();
    expect(list.items[0]?.test_set).not.toBeNull();
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/models/digits-3-vs-8/versions/1/rewrite-effect?wait=60',
      payload: { target: 3, other: 8 },
    });
    expect(res.statusCode, res.body).toBe(200);
    const sweep = res.json() as {
      base: { accuracy: number };
      candidates: unknown[];
      selection: { strengthen: { reason: string } };
    };
    expect(sweep.candidates).toHaveLength(32);
    expect(sweep.base.accuracy).toBeGreaterThan(0.8);
    expect(sweep.selection.strengthen.reason).toMatch(/accuracy/);
  }, 60_000);

  it('serves encodings of the demo’s held-out gradients as its index.json records them', async () => {
    const demos = await ensureBuiltInDemos(SHARED_CACHE);
    const digits = demos.find((d) => d.name === 'digits-3-vs-8');
    const gradients = path.join(digits?.demoDir ?? '', DIGITS_DEMO_FILES.gradients);
    const index = JSON.parse(await readFile(path.join(gradients, 'index.json'), 'utf8')) as SampleIndex;
    for (const s of index.samples.slice(0, 4)) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/models/digits-3-vs-8/versions/1/encode?input_scale=auto',
        headers: { 'content-type': 'application/x-safetensors' },
        payload: await readFile(path.join(gradients, s.file)),
      });
      expect(res.statusCode, res.body).toBe(200);
      const encoded = (res.json() as { encoded: number[][] }).encoded[0]?.[0] as number;
      expect(Math.abs(encoded - s.encoded_after_input_scale)).toBeLessThan(1e-6);
    }
  });

  it("comes with the demo's labeled set: the API's scorecard is the core's of the recorded encodings, and a curve", async () => {
    const demos = await ensureBuiltInDemos(SHARED_CACHE);
    const digits = demos.find((d) => d.name === 'digits-3-vs-8');
    const gradients = path.join(digits?.demoDir ?? '', DIGITS_DEMO_FILES.gradients);
    const index = JSON.parse(await readFile(path.join(gradients, 'index.json'), 'utf8')) as SampleIndex;
    const res = await t.app.inject(
      `/api/models/digits-3-vs-8/versions/1/evaluation?set=${DEMO_LABELED_SET}&wait=60`,
    );
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as { metrics: { correlation: number; mean_by_class: Record<string, number> } };
    const core = encoderMetrics(
      index.samples.map((s) => ({
        encoded: s.encoded_after_input_scale,
        label: s.label,
        type: 'training',
        sourceId: String(s.digit),
        dataSplit: 'test',
      })),
    );
    expect(body.metrics.correlation).toBeCloseTo(core.correlation, 6);
    for (const [label, mean] of Object.entries(core.mean_by_class))
      expect(body.metrics.mean_by_class[label]).toBeCloseTo(mean, 6);
    const curve = await t.app.inject(
      `/api/models/digits-3-vs-8/versions/1/pruning-curve?set=${DEMO_LABELED_SET}&wait=60`,
    );
    expect(curve.statusCode, curve.body).toBe(200);
    const points = (curve.json() as { points: { k: number; correlation: number }[] }).points;
    expect(points.length).toBeGreaterThan(20);
    expect(points.at(-1)?.correlation).toBeCloseTo(core.correlation, 5);
  }, 60_000);

  it('leaves a registry that already holds models alone', async () => {
    const log = pino({ level: 'silent' });
    expect(await seedDemo(t.app.services.meta, t.app.services.registry, log, t.dataDir)).toEqual([]);
  });
});
