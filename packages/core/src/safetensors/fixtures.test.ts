import { readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tensor } from '../tensor/tensor.js';
import { DIGITS_DIR, FIXTURES_DIR } from '../test-support/fixtures.js';
import { SafetensorsFile, writeSafetensorsFile } from './node.js';
import { readSafetensorsBuffer } from './read-buffer.js';
import { serializeSafetensors } from './serialize.js';

function safetensorsUnder(root: string): string[] {
  return readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.safetensors'))
    .sort()
    .map((f) => path.join(root, f));
}

// expect(...).toEqual on large typed arrays is very slow; compare raw bytes instead.
function sameBytes(a: ArrayBufferView, b: ArrayBufferView): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(
    Buffer.from(b.buffer, b.byteOffset, b.byteLength),
  );
}

function sameTensor(a: Tensor, b: Tensor): boolean {
  return a.dtype === b.dtype && a.shape.join() === b.shape.join() && sameBytes(a.data, b.data);
}

const files = [...safetensorsUnder(FIXTURES_DIR), ...safetensorsUnder(DIGITS_DIR)];
const label = (f: string) => path.relative(path.dirname(FIXTURES_DIR), f);

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'gradiend-fixtures-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('files written by Python safetensors', () => {
  it('are all found', () => {
    expect(files.some((f) => f.endsWith('expected.safetensors'))).toBe(true);
    expect(files.some((f) => f.startsWith(DIGITS_DIR))).toBe(true);
    expect(files.length).toBeGreaterThan(100);
  });

  it.each(files.map((f) => [label(f), f]))('%s re-serialises byte for byte', async (_, file) => {
    const bytes = new Uint8Array(await readFile(file));
    const buffer = readSafetensorsBuffer(bytes);
    expect(sameBytes(serializeSafetensors(buffer.tensors(), buffer.header.metadata), bytes)).toBe(true);

    const copy = path.join(dir, 'copy.safetensors');
    await writeSafetensorsFile(copy, buffer.tensors(), buffer.header.metadata);
    expect(sameBytes(await readFile(copy), bytes)).toBe(true);

    const f = await SafetensorsFile.open(file);
    try {
      expect(f.header).toEqual(buffer.header);
      for (const info of f.tensors) {
        const whole = buffer.get(info.name);
        expect(sameTensor(await f.readTensor(info.name), whole)).toBe(true);
        const start = Math.floor(info.numel / 3);
        const count = Math.min(7, info.numel - start);
        const range = await f.readRange(info.name, start, count);
        expect(sameBytes(range, whole.data.subarray(start, start + count))).toBe(true);
      }
    } finally {
      await f.close();
    }
  });
});
