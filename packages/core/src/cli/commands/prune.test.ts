import { readFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCheckpoint } from '../../checkpoint/load-checkpoint.js';
import { JsonNumber, parseJson } from '../../json/index.js';
import type { JsonObject } from '../../json/index.js';
import { readSafetensorsBuffer } from '../../safetensors/index.js';
import { toFloat64 } from '../../tensor/convert.js';
import { digitsPath, fixturePath } from '../../test-support/fixtures.js';
import { runCaptured, runJson, tempDir } from '../testing/run-captured.js';

interface PruneJson {
  readonly before: { input_dim: number; param_map_hash: string };
  readonly after: { input_dim: number; param_map_hash: string };
  readonly params: readonly { name: string; selected_after: number }[];
  readonly files: readonly string[];
}

interface ExpectedPrune {
  readonly id: number;
  readonly flags: string[];
  readonly inputDim: number;
  readonly hash: string;
}

/** two-layer-all's successful prunes whose arguments the CLI can express (topk, threshold, part). */
function expressiblePrunes(): ExpectedPrune[] {
  const doc = parseJson(readFileSync(fixturePath('two-layer-all', 'expected.json'), 'utf8')) as JsonObject;
  const out: ExpectedPrune[] = [];
  for (const p of doc.get('prunes') as JsonObject[]) {
    const args = p.get('args') as JsonObject;
    if (p.has('error') || [...args.entries()].some(([k]) => !['topk', 'threshold', 'part'].includes(k)))
      continue;
    const flags: string[] = [];
    // The literal keeps Python's int/float distinction (30 is a count, 1.0 a fraction).
    for (const [k, v] of args.entries()) flags.push(`--${k}`, v instanceof JsonNumber ? v.text : String(v));
    out.push({
      id: (p.get('id') as JsonNumber).value,
      flags,
      inputDim: (p.get('input_dim') as JsonNumber).value,
      hash: p.get('param_map_hash') as string,
    });
  }
  return out;
}

describe('gradiend prune', () => {
  const source = fixturePath('two-layer-all', 'model');

  it.each(expressiblePrunes())('two-layer-all prune$id ($flags) matches the reference', async (p) => {
    const out = path.join(await tempDir('prune'), 'out');
    const got = await runJson<PruneJson>('prune', source, ...p.flags, '--out', out);
    expect(got.after).toEqual({ input_dim: p.inputDim, param_map_hash: p.hash });
    const saved = await runJson<{ param_map_hash: string; input_dim: number }>('inspect', out);
    expect(saved.param_map_hash).toBe(p.hash);
    expect(saved.input_dim).toBe(p.inputDim);
  });

  it('--keep-idx from a .json file or a text file matches prune6 of the reference', async () => {
    const doc = parseJson(readFileSync(fixturePath('two-layer-all', 'expected.json'), 'utf8')) as JsonObject;
    const expected = (doc.get('prunes') as JsonObject[]).find((p) => (p.get('id') as JsonNumber).value === 6);
    const tensors = readSafetensorsBuffer(readFileSync(fixturePath('two-layer-all', 'expected.safetensors')));
    const keep = Array.from(toFloat64(tensors.get('prune6.arg.keep_idx')));
    const tmp = await tempDir('keep');
    await writeFile(path.join(tmp, 'keep.json'), JSON.stringify(keep));
    await writeFile(path.join(tmp, 'keep.txt'), keep.join('\n'));
    for (const file of ['keep.json', 'keep.txt']) {
      const out = path.join(tmp, `out-${file}`);
      const got = await runJson<PruneJson>('prune', source, '--keep-idx', path.join(tmp, file), '--out', out);
      expect(got.after.param_map_hash).toBe(expected?.get('param_map_hash'));
    }
  });

  it('keeps training.json and gradiend_context.json and reports per-parameter counts', async () => {
    const out = path.join(await tempDir('digits'), 'pruned');
    const r = await runCaptured('prune', digitsPath('gradiend-digits-3-vs-8'), '--topk', '1%', '--out', out);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^input_dim +2410 → 25$/m);
    expect(r.stdout).toMatch(/^fc1\.weight +\[32, 64\] +2048 +\d+ +2048 +all → indices$/m);
    const context = await readFile(path.join(out, 'gradiend_context.json'));
    expect(
      context.equals(await readFile(digitsPath('gradiend-digits-3-vs-8', 'gradiend_context.json'))),
    ).toBe(true);
    const loaded = await loadCheckpoint(out);
    expect(loaded.model.inputDim).toBe(25);
    expect(loaded.training).toMatchObject({ input_scale: 2.5155200958251953 });
  });

  it('refuses a non-empty --out unless --force', async () => {
    const out = await tempDir('nonempty');
    await writeFile(path.join(out, 'notes.txt'), 'keep me');
    const refused = await runCaptured('prune', source, '--topk', '10', '--out', out);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('is not empty (use --force');
    const forced = await runCaptured('prune', source, '--topk', '10', '--out', out, '--force');
    expect(forced.code).toBe(0);
    expect(await readFile(path.join(out, 'notes.txt'), 'utf8')).toBe('keep me');
    expect((await loadCheckpoint(out)).model.inputDim).toBe(10);
  });

  it('reports the reference error for an invalid prune with exit 1', async () => {
    const r = await runCaptured(
      'prune',
      source,
      '--topk',
      '0',
      '--out',
      path.join(await tempDir('err'), 'o'),
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: .*\[GRADIEND_ERR_PRUNE_ARGUMENT\]$/m);
  });

  it('exits 2 without --out, without a criterion, or with --keep-idx and --topk together', async () => {
    const tmp = await tempDir('usage');
    await mkdir(path.join(tmp, 'o'));
    expect((await runCaptured('prune', source, '--topk', '3')).code).toBe(2);
    expect((await runCaptured('prune', source, '--out', path.join(tmp, 'o'))).code).toBe(2);
    const both = await runCaptured('prune', source, '--keep-idx', 'x.json', '--topk', '3', '--out', tmp);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('--keep-idx excludes');
  });
});
