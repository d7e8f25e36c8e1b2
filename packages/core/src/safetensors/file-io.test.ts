import { mkdtemp, readdir, readFile, rm, truncate, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SafetensorsFormatError } from '../errors.js';
import { tensor } from '../tensor/tensor.js';
import type { Tensor } from '../tensor/tensor.js';
import { readSafetensorsBuffer } from './read-buffer.js';
import { serializeSafetensors } from './serialize.js';
import { readSafetensorsHeaderFromFile, SafetensorsFile, writeSafetensorsFile } from './node.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'gradiend-safetensors-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const entries: Array<[string, Tensor]> = [
  [
    'w',
    tensor(
      'F32',
      [3, 4],
      Float32Array.from({ length: 12 }, (_, i) => i / 4),
    ),
  ],
  ['idx', tensor('I64', [5], BigInt64Array.from([9n, -1n, 2n ** 40n, 0n, 3n]))],
  ['half', tensor('F16', [3], Uint16Array.from([0x3c00, 0xc000, 0x7bff]))],
  ['mask', tensor('BOOL', [7], Uint8Array.from([1, 0, 1, 1, 0, 0, 1]))],
  ['scalar', tensor('F64', [], Float64Array.from([Math.PI]))],
  ['empty', tensor('I8', [0, 3], new Int8Array(0))],
];

async function rule(promise: Promise<unknown>): Promise<SafetensorsFormatError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SafetensorsFormatError);
  return error as SafetensorsFormatError;
}

describe('writeSafetensorsFile', () => {
  it('writes the same bytes as serializeSafetensors, in small chunks too, leaving no temp file', async () => {
    const target = path.join(dir, 'small.safetensors');
    await writeSafetensorsFile(target, entries, { format: 'pt' }, { chunkBytes: 3 });
    expect(new Uint8Array(await readFile(target))).toEqual(serializeSafetensors(entries, { format: 'pt' }));
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('onBytes sees exactly the bytes of the file, in order', async () => {
    const target = path.join(dir, 'observed.safetensors');
    const seen: Uint8Array[] = [];
    await writeSafetensorsFile(
      target,
      entries,
      { format: 'pt' },
      { chunkBytes: 5, onBytes: (b) => seen.push(b.slice()) },
    );
    expect(Buffer.concat(seen)).toEqual(await readFile(target));
  });

  it('replaces an existing file', async () => {
    const target = path.join(dir, 'replace.safetensors');
    await writeFile(target, 'old contents');
    await writeSafetensorsFile(target, { a: tensor('U8', [1], Uint8Array.of(7)) });
    expect(readSafetensorsBuffer(new Uint8Array(await readFile(target))).get('a').data).toEqual(
      Uint8Array.of(7),
    );
  });

  it('removes the temp file when the final rename fails', async () => {
    const sub = await mkdtemp(path.join(dir, 'fail-'));
    const target = path.join(sub, 'is-a-dir');
    await mkdir(path.join(target, 'child'), { recursive: true });
    await expect(writeSafetensorsFile(target, entries)).rejects.toThrow();
    expect(await readdir(sub)).toEqual(['is-a-dir']);
  });

  it('rejects bad entries before creating anything', async () => {
    const sub = await mkdtemp(path.join(dir, 'bad-'));
    const bad: Tensor = { dtype: 'F32', shape: [2], data: new Float32Array(3) };
    const error = await rule(writeSafetensorsFile(path.join(sub, 'x.safetensors'), { bad }));
    expect([error.rule, error.tensor]).toEqual(['write', 'bad']);
    expect(await readdir(sub)).toEqual([]);
  });
});

describe('SafetensorsFile', () => {
  const file = () => path.join(dir, 'read.safetensors');
  beforeAll(async () => {
    await writeSafetensorsFile(file(), entries);
  });

  it('reads every tensor like the in-memory reader, with any chunk size', async () => {
    const buffer = readSafetensorsBuffer(new Uint8Array(await readFile(file())));
    for (const chunkBytes of [undefined, 1, 5]) {
      const f = await SafetensorsFile.open(file(), { chunkBytes });
      try {
        expect(f.header).toEqual(buffer.header);
        for (const [name] of entries) expect(await f.readTensor(name)).toEqual(buffer.get(name));
        expect(await f.readAll()).toEqual(buffer.tensors());
      } finally {
        await f.close();
      }
    }
  });

  it('reads element ranges equal to slices of the full tensor', async () => {
    const f = await SafetensorsFile.open(file(), { chunkBytes: 3 });
    try {
      const w = (await f.readTensor('w')).data as Float32Array;
      for (const [start, count] of [
        [0, 12],
        [0, 0],
        [5, 4],
        [11, 1],
        [12, 0],
      ] as const) {
        expect(await f.readRange('w', start, count)).toEqual(w.slice(start, start + count));
      }
      expect(await f.readRange('idx', 2, 2)).toEqual(BigInt64Array.from([2n ** 40n, 0n]));
      await expect(f.readRange('w', 10, 3)).rejects.toThrow(RangeError);
      await expect(f.readRange('w', -1, 1)).rejects.toThrow(RangeError);
    } finally {
      await f.close();
    }
  });

  it('fills a caller-provided array and checks its class and length', async () => {
    const f = await SafetensorsFile.open(file());
    try {
      const into = new Float32Array(12);
      const t = await f.readTensor('w', { into });
      expect(t.data).toBe(into);
      expect(into[5]).toBe(5 / 4);
      const part = new Uint16Array(2);
      expect(await f.readRange('half', 1, 2, { into: part })).toBe(part);
      expect([...part]).toEqual([0xc000, 0x7bff]);
      await expect(f.readTensor('w', { into: new Int32Array(12) })).rejects.toThrow(TypeError);
      await expect(f.readTensor('w', { into: new Float32Array(11) })).rejects.toThrow(RangeError);
    } finally {
      await f.close();
    }
  });

  it('reports a missing tensor with rule missing-tensor', async () => {
    const f = await SafetensorsFile.open(file());
    try {
      const error = await rule(f.readTensor('nope'));
      expect([error.rule, error.tensor]).toEqual(['missing-tensor', 'nope']);
    } finally {
      await f.close();
    }
  });

  it('detects truncated data when opening', async () => {
    const truncated = path.join(dir, 'truncated.safetensors');
    await writeSafetensorsFile(truncated, entries);
    const { size } = await import('node:fs/promises').then((fs) => fs.stat(truncated));
    await truncate(truncated, size - 1);
    const error = await rule(SafetensorsFile.open(truncated));
    expect(error.rule).toBe('data-coverage');
    await truncate(truncated, 4);
    expect((await rule(SafetensorsFile.open(truncated))).rule).toBe('header-length');
  });

  it('readSafetensorsHeaderFromFile returns the validated header', async () => {
    const header = await readSafetensorsHeaderFromFile(file());
    expect(header.tensors.map((t) => t.name)).toEqual(['idx', 'scalar', 'w', 'half', 'empty', 'mask']);
  });
});
