import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
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

describe('loadCheckpoint', () => {
  it('reads a nested model/ folder like the reference', async () => {
    const d = await mkdtemp(path.join(os.tmpdir(), 'nested-'));
    dirs.push(d);
    await cp(caseModelDir('two-layer-all'), path.join(d, 'model'), { recursive: true });
    const { model } = await loadCheckpoint(d);
    expect(model.paramMapHash()).toBe(readExpected('two-layer-all').param_map_hash);
  });

  it('reads the weights into SharedArrayBuffers with sharedMemory, same values and param map', async () => {
    const plain = (await loadCheckpoint(caseModelDir('two-layer-all'))).model;
    const shared = (await loadCheckpoint(caseModelDir('two-layer-all'), { sharedMemory: true })).model;
    expect(shared.paramMapHash()).toBe(readExpected('two-layer-all').param_map_hash);
    for (const key of ['encoderWeight', 'decoderWeight'] as const) {
      expect(shared.weights[key].data.buffer).toBeInstanceOf(SharedArrayBuffer);
      expect(plain.weights[key].data.buffer).not.toBeInstanceOf(SharedArrayBuffer);
      const bytes = (a: { buffer: ArrayBufferLike; byteOffset: number; byteLength: number }): Buffer =>
        Buffer.from(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
      expect(bytes(shared.weights[key].data).equals(bytes(plain.weights[key].data))).toBe(true);
    }
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

  it("saveCheckpoint's onBytes sees every written file's exact bytes", async () => {
    const { model } = await loadCheckpoint(caseModelDir('two-layer-all'));
    // A pruned model writes mapping files too, so every kind of file is observed.
    const pruned = model.prune({ topk: 5 }).model;
    const out = await mkdtemp(path.join(os.tmpdir(), 'observed-'));
    dirs.push(out);
    const seen = new Map<string, Buffer[]>();
    const names = await saveCheckpoint(out, pruned, {}, (file, bytes) => {
      seen.set(file, [...(seen.get(file) ?? []), Buffer.from(bytes)]);
    });
    expect(names.some((n) => n.startsWith('mapping'))).toBe(true);
    expect([...seen.keys()].sort()).toEqual([...names].sort());
    for (const name of names) {
      expect(Buffer.concat(seen.get(name) ?? []).equals(await readFile(path.join(out, name)))).toBe(true);
    }
  });

  // Broken checkpoints: see checkpoint-reader.test.ts (MALFORMED_CHECKPOINTS, on both read paths).
});
