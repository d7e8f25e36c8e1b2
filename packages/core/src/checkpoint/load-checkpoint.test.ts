import { cp, mkdtemp, readFile, rm, writeFile, rename } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CheckpointError, GradiendError, MappingError, SafetensorsFormatError } from '../errors.js';
import { caseModelDir, readExpected } from '../test-support/expected.js';
import { loadCheckpoint } from './load-checkpoint.js';
import { saveCheckpoint } from './save-checkpoint.js';

const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

async function copyCase(caseName: string): Promise<string> {
  const d = await mkdtemp(path.join(os.tmpdir(), 'ckpt-'));
  dirs.push(d);
  await cp(caseModelDir(caseName), d, { recursive: true });
  return d;
}

type Path = ReadonlyArray<string | number>;

/** Sets (or with `undefined`, deletes) a value deep inside parsed JSON. */
function setIn(doc: unknown, at: Path, value: unknown): void {
  let node = doc as Record<string | number, unknown>;
  for (const key of at.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = at[at.length - 1] as string | number;
  if (value === undefined) delete node[last];
  else node[last] = value;
}

async function editConfig(dir: string, at: Path, value: unknown): Promise<void> {
  const file = path.join(dir, 'config.json');
  const cfg: unknown = JSON.parse(await readFile(file, 'utf8'));
  setIn(cfg, at, value);
  await writeFile(file, JSON.stringify(cfg));
}

describe('loadCheckpoint', () => {
  it('reads a nested model/ folder like the reference', async () => {
    const d = await mkdtemp(path.join(os.tmpdir(), 'nested-'));
    dirs.push(d);
    await cp(caseModelDir('two-layer-all'), path.join(d, 'model'), { recursive: true });
    const { model } = await loadCheckpoint(d);
    expect(model.paramMapHash()).toBe(readExpected('two-layer-all').param_map_hash);
  });

  it('reads torch.save checkpoints (pytorch_model.bin + mapping_*.pth)', async () => {
    const { model, files } = await loadCheckpoint(caseModelDir('torch-bin-format'));
    expect(model.paramMapHash()).toBe(readExpected('torch-bin-format').param_map_hash);
    expect(files.map((f) => f.name)).toContain('pytorch_model.bin');
  });

  it('keeps unknown metadata through load → save', async () => {
    const d = await copyCase('two-layer-all');
    // Written by hand: JSON.stringify would move "10" first and print 1.0 as 1.
    const file = path.join(d, 'config.json');
    const text0 = await readFile(file, 'utf8');
    await writeFile(
      file,
      text0.replace(
        '"metadata": {}',
        '"metadata": {"zeta": 1.0, "10": [1, "\u00e9"], "alpha": {"nested": 1E-5}}',
      ),
    );
    const out = path.join(d, 'saved');
    await saveCheckpoint(out, (await loadCheckpoint(d)).model);
    const text = await readFile(path.join(out, 'config.json'), 'utf8');
    expect(text).toContain(
      '"metadata": {\n    "zeta": 1.0,\n    "10": [\n      1,\n      "\\u00e9"\n    ],\n    "alpha": {\n      "nested": 1e-05\n    }\n  }',
    );
  });

  it('fails clearly when weights or config are missing', async () => {
    const d = await copyCase('two-layer-all');
    await rename(path.join(d, 'model.safetensors'), path.join(d, 'x'));
    await expect(loadCheckpoint(d)).rejects.toThrow(/No model weights found/);
    const e = await mkdtemp(path.join(os.tmpdir(), 'noconfig-'));
    dirs.push(e);
    await cp(path.join(d, 'x'), path.join(e, 'model.safetensors'));
    await expect(loadCheckpoint(e)).rejects.toThrow(/config.json not found/);
  });

  it.each<[string, Path, unknown, RegExp]>([
    [
      'input_dim disagreeing with the weights',
      ['architecture', 'input_dim'],
      61,
      /shape \[1, 60\], expected \[1, 61\]/,
    ],
    [
      'an unknown activation',
      ['architecture', 'activation_decoder'],
      'swish',
      /unsupported activation 'swish'/,
    ],
    ['an unknown dtype', ['architecture', 'torch_dtype'], 'int8', /torch_dtype 'int8'/],
    ['a missing mapping', ['mapping'], undefined, /missing 'mapping'/],
    ['a negative shape', ['mapping', 'param_map', 0, 'shape'], [-10, 5], /shape\[0\] must be an integer/],
    [
      'a shape that changes the total',
      ['mapping', 'param_map', 0, 'shape'],
      [10, 6],
      /selects 70 entries in total but input_dim is 60/,
    ],
    ['format_version 1', ['format_version'], 1, /unsupported format_version 1/],
  ])('rejects a config with %s', async (_label, at, value, message) => {
    const d = await copyCase('two-layer-all');
    await editConfig(d, at, value);
    const err = await loadCheckpoint(d).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GradiendError);
    expect((err as Error).message).toMatch(message);
  });

  it('rejects mapping files outside the folder and missing mapping keys', async () => {
    const d = await copyCase('mixed-latent3');
    await editConfig(d, ['mapping', 'indices_file'], '../../etc/passwd');
    await expect(loadCheckpoint(d)).rejects.toThrow(/must be a file name inside the checkpoint folder/);
    const e = await copyCase('mixed-latent3');
    await editConfig(e, ['mapping', 'param_map', 2, 'key'], 'L9');
    await expect(loadCheckpoint(e)).rejects.toThrow(CheckpointError);
    await expect(loadCheckpoint(e)).rejects.toThrow(
      /tensor 'L9' for param 'enc.layer.0.ffn.weight' is missing/,
    );
  });

  it('rejects out-of-range mapping indices', async () => {
    const d = await copyCase('mixed-latent3');
    await editConfig(d, ['mapping', 'param_map', 2, 'shape'], [2, 2]);
    await expect(loadCheckpoint(d)).rejects.toThrow(MappingError);
  });

  it('rejects a truncated weights file with a safetensors format error', async () => {
    const d = await copyCase('two-layer-all');
    const f = path.join(d, 'model.safetensors');
    const bytes = await readFile(f);
    await writeFile(f, bytes.subarray(0, bytes.length - 4));
    await expect(loadCheckpoint(d)).rejects.toThrow(SafetensorsFormatError);
  });

  it('rejects unexpected weights', async () => {
    const d = await copyCase('layernorm-nobias');
    await editConfig(d, ['architecture', 'activation_encoder'], 'tanh');
    await expect(loadCheckpoint(d)).rejects.toThrow(/unexpected weight 'encoder.1.bias'/);
  });
});
