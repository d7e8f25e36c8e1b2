import { copyFile, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCheckpoint } from '../../checkpoint/load-checkpoint.js';
import { saveCheckpoint } from '../../checkpoint/save-checkpoint.js';
import { compareJsonValues } from '../conformance/json-compare.js';
import { SHARED_DIR, digitsPath } from '../../test-support/fixtures.js';
import { runCaptured, runJson, tempDir } from '../testing/run-captured.js';
import { readGradientDict } from './encode.js';

interface DigitsIndex {
  readonly input_scale: number;
  readonly samples: readonly { readonly file: string; readonly digit: number }[];
}
interface EvaluateJson {
  metrics: Record<string, unknown> & { correlation: number };
  convergence: { converged: boolean };
  encodings: { label: number; encoded: number }[];
  curve?: { points: { k: number; correlation: number }[] };
}

const MODEL = digitsPath('gradiend-digits-3-vs-8');
const TOL = { rtol: 1e-4, atol: 1e-6 };

async function digitsSet(): Promise<{ dir: string; index: DigitsIndex }> {
  const index = JSON.parse(await readFile(digitsPath('gradients', 'index.json'), 'utf8')) as DigitsIndex;
  const dir = await tempDir('evaluate');
  const lines = ['file,label,type,source_id,target_id'];
  for (const s of index.samples) {
    await copyFile(digitsPath('gradients', s.file), path.join(dir, s.file));
    // Labels from the context's feature_class_encoding_direction: 3 → +1, 8 → −1.
    lines.push(`${s.file},${s.digit === 3 ? 1 : -1},training,${s.digit},${s.digit === 3 ? 8 : 3}`);
  }
  await writeFile(path.join(dir, 'manifest.csv'), `${lines.join('\n')}\n`);
  return { dir, index };
}

describe('gradiend evaluate', () => {
  it("gives the reference's digits-demo scorecard from the 24 gradient files", async () => {
    const { dir } = await digitsSet();
    const got = await runJson<EvaluateJson>(
      'evaluate',
      MODEL,
      path.join(dir, 'manifest.csv'),
      '--scale-from-training',
    );
    const want = JSON.parse(
      await readFile(
        path.join(SHARED_DIR, 'fixtures', 'encoder-metrics', 'digits-demo', 'expected.json'),
        'utf8',
      ),
    ) as { metrics: Record<string, unknown> };
    expect(compareJsonValues(got.metrics, want.metrics, TOL)).toBeNull();
    expect(got.convergence.converged).toBe(true);
  });

  it('reads a raw batch through row indices (any order) and ends its curve at the unpruned scorecard', async () => {
    const { dir, index } = await digitsSet();
    const { model } = await loadCheckpoint(MODEL);
    const batch = new Float32Array(index.samples.length * model.inputDim);
    for (const [i, s] of index.samples.entries())
      batch.set(
        model.flattenGradientDict(await readGradientDict(path.join(dir, s.file))),
        i * model.inputDim,
      );
    await writeFile(path.join(dir, 'batch.f32'), new Uint8Array(batch.buffer));
    const order = index.samples.map((_, i) => i).reverse();
    const rows = order.map((i) => ({ row: i, label: index.samples[i]!.digit === 3 ? 1 : -1 }));
    await writeFile(path.join(dir, 'rows.json'), JSON.stringify({ rows }));
    const got = await runJson<EvaluateJson>(
      'evaluate',
      MODEL,
      path.join(dir, 'rows.json'),
      '--batch',
      path.join(dir, 'batch.f32'),
      '--scale-from-training',
      '--curve',
      '--points',
      '6',
      '--k',
      '100',
    );
    const byFile = await runJson<EvaluateJson>(
      'evaluate',
      MODEL,
      path.join(dir, 'manifest.csv'),
      '--scale-from-training',
    );
    expect(got.metrics.correlation).toBeCloseTo(byFile.metrics.correlation, 12);
    expect(got.encodings.map((e) => e.encoded)).toEqual(order.map((i) => byFile.encodings[i]!.encoded));
    const ks = got.curve!.points.map((p) => p.k);
    expect(ks).toContain(100);
    expect(ks[ks.length - 1]).toBe(model.inputDim);
    expect(got.curve!.points.at(-1)!.correlation).toBeCloseTo(got.metrics.correlation, 6);
  });

  it('reads a batch given in the space of the version a model was pruned from', async () => {
    const { dir, index } = await digitsSet();
    const { model } = await loadCheckpoint(MODEL);
    const pruned = model.prune({ topk: 500 }).model;
    const prunedDir = path.join(dir, 'pruned');
    await saveCheckpoint(prunedDir, pruned);
    const batch = new Float32Array(index.samples.length * model.inputDim);
    for (const [i, s] of index.samples.entries())
      batch.set(
        model.flattenGradientDict(await readGradientDict(path.join(dir, s.file))),
        i * model.inputDim,
      );
    await writeFile(path.join(dir, 'full.f32'), new Uint8Array(batch.buffer));
    const rows = index.samples.map((s, i) => ({ row: i, label: s.digit === 3 ? 1 : -1 }));
    await writeFile(path.join(dir, 'rows.json'), JSON.stringify(rows));
    const viaSpace = await runJson<EvaluateJson>(
      'evaluate',
      prunedDir,
      path.join(dir, 'rows.json'),
      '--batch',
      path.join(dir, 'full.f32'),
      '--batch-space',
      MODEL,
    );
    // The pruned model on per-parameter files picks its own dims: the same encodings.
    const byFile = await runJson<EvaluateJson>('evaluate', prunedDir, path.join(dir, 'manifest.csv'));
    expect(viaSpace.encodings.map((e) => e.encoded)).toEqual(byFile.encodings.map((e) => e.encoded));
  });

  it('refuses malformed manifests with the row at fault', async () => {
    const { dir } = await digitsSet();
    const bad = async (name: string, text: string): Promise<string> => {
      await writeFile(path.join(dir, name), text);
      const r = await runCaptured('evaluate', MODEL, path.join(dir, name));
      expect(r.code).toBe(1);
      return r.stderr;
    };
    expect(await bad('a.csv', 'file,label,colour\nx.safetensors,1,red\n')).toMatch(
      /unknown manifest column\(s\) 'colour'/,
    );
    expect(await bad('b.json', '[{"file": "x.safetensors", "label": "yes"}]')).toMatch(
      /manifest row 1: label must be a finite number/,
    );
    expect(await bad('c.json', '[{"file": "a", "label": 1}, {"row": 0, "label": -1}]')).toMatch(/not a mix/);
    expect(await bad('d.json', '[{"file": "../x", "label": 1}]')).toMatch(/relative path inside the set/);
  });
});
