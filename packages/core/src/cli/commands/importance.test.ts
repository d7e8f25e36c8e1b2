import { describe, expect, it } from 'vitest';
import { loadCheckpoint } from '../../checkpoint/load-checkpoint.js';
import type { ImportancePart } from '../../model/importance.js';
import type { TopKSpec } from '../../model/prune-arguments.js';
import { fixturePath } from '../../test-support/fixtures.js';
import { runCaptured, runJson } from '../testing/run-captured.js';
import type { ImportanceRow } from './importance.js';

async function expectedRows(dir: string, part: ImportancePart, top: TopKSpec): Promise<ImportanceRow[]> {
  const { model } = await loadCheckpoint(dir);
  const importance = model.importance(part);
  const baseMap = model.baseGlobalIndexMap();
  return Array.from(model.topK(part, top), (local, i) => {
    const base = baseMap[local] as number;
    const d = model.decodeBaseGlobalIndex(base);
    return {
      rank: i + 1,
      importance: importance[local] as number,
      local_index: local,
      base_global_index: base,
      param_name: d.paramName,
      flat_index: d.flatIndexInParam,
      coords: d.coords,
    };
  });
}

const RUNS: [string, ImportancePart, string, TopKSpec][] = [
  ['two-layer-all', 'decoder-weight', '5', { count: 5 }],
  ['two-layer-all', 'encoder-weight', '0.1', { fraction: 0.1 }],
  ['mixed-latent3', 'decoder-sum', '10%', { fraction: 0.1 }],
  ['mixed-latent3', 'decoder-bias', '7', { count: 7 }],
  ['bert-shaped-224k', 'decoder-weight', '1%', { fraction: 0.01 }],
];

describe('gradiend importance', () => {
  it.each(RUNS)(
    '%s --part %s --top %s: rows equal model.topK + decodeBaseGlobalIndex',
    async (c, part, top, spec) => {
      const dir = fixturePath(c, 'model');
      const got = await runJson<{ rows: ImportanceRow[] }>('importance', dir, '--part', part, '--top', top);
      expect(got.rows).toEqual(await expectedRows(dir, part, spec));
    },
  );

  it('prints CSV with a header and one line per row', async () => {
    const r = await runCaptured('importance', fixturePath('mixed-latent3', 'model'), '--top', '4', '--csv');
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('rank,importance,local_index,base_global_index,param_name,flat_index,coords');
    expect(lines).toHaveLength(5);
    expect(lines[1]).toMatch(/^1,[0-9.e-]+,\d+,\d+,[\w.]+,\d+,\d+( \d+)*$/);
  });

  it('prints an aligned table by default', async () => {
    const r = await runCaptured('importance', fixturePath('two-layer-all', 'model'), '--top', '3');
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[1]).toMatch(/^rank +importance +local +base-global +parameter +flat +coords$/);
    expect(lines).toHaveLength(5);
  });

  it.each([
    ['abc', 2],
    ['0', 2],
    ['-', 2],
    ['1.5', 1],
    ['0.0', 1],
  ])('--top %s exits %i', async (top, code) => {
    const r = await runCaptured('importance', fixturePath('two-layer-all', 'model'), `--top=${top}`);
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(/^error: .*top/m);
  });

  it('rejects an unknown part and --csv with --json as usage errors', async () => {
    const dir = fixturePath('two-layer-all', 'model');
    expect((await runCaptured('importance', dir, '--part', 'bias')).code).toBe(2);
    expect((await runCaptured('importance', dir, '--csv', '--json')).code).toBe(2);
  });
});
