import { describe, expect, it } from 'vitest';
import { MAX_IO_CHUNK_BYTES, readConcurrently, readFully, writeFully } from './chunked-io.js';
import type { PositionalFile } from './chunked-io.js';

interface Call {
  readonly length: number;
  readonly position: number;
}

/** A sparse fake file: byte at position p is p mod 251. Short transfers are capped at `maxTransfer`. */
function fakeFile(size: number, maxTransfer = Infinity) {
  const reads: Call[] = [];
  const writes: Call[] = [];
  const written = new Map<number, number>();
  const file: PositionalFile = {
    async read(buffer, offset, length, position) {
      reads.push({ length, position });
      const n = Math.max(0, Math.min(length, maxTransfer, size - position));
      for (let i = 0; i < n; i++) buffer[offset + i] = (position + i) % 251;
      return { bytesRead: n };
    },
    async write(buffer, offset, length, position) {
      writes.push({ length, position });
      const n = Math.min(length, maxTransfer);
      for (let i = 0; i < n; i++) written.set(position + i, buffer[offset + i] as number);
      return { bytesWritten: n };
    },
  };
  return { file, reads, writes, written };
}

describe('readFully', () => {
  it('splits a read into chunks of at most chunkBytes at exact positions past 2 GiB', async () => {
    const base = 3 * 2 ** 30 + 7; // beyond the 32-bit range
    const { file, reads } = fakeFile(base + 100);
    const target = new Uint8Array(23);
    expect(await readFully(file, target, base, 5)).toBe(23);
    expect(reads).toEqual(
      [0, 5, 10, 15, 20].map((d) => ({ length: Math.min(5, 23 - d), position: base + d })),
    );
    expect([...target]).toEqual(Array.from({ length: 23 }, (_, i) => (base + i) % 251));
  });

  it('continues after short reads', async () => {
    const { file, reads } = fakeFile(1000, 3);
    const target = new Uint8Array(10);
    expect(await readFully(file, target, 100, 8)).toBe(10);
    expect(reads.map((r) => r.position)).toEqual([100, 103, 106, 109]);
    expect(target[9]).toBe(109 % 251);
  });

  it('stops at end of file and reports how much it read', async () => {
    const { file } = fakeFile(104);
    expect(await readFully(file, new Uint8Array(10), 100, 4)).toBe(4);
  });

  it.each([0, -1, 1.5, MAX_IO_CHUNK_BYTES + 1])('rejects chunkBytes %d', async (chunk) => {
    const { file } = fakeFile(10);
    await expect(readFully(file, new Uint8Array(1), 0, chunk)).rejects.toThrow(RangeError);
  });

  it('never asks for more than 1 GiB at once by default', async () => {
    const { file, reads } = fakeFile(0);
    await readFully(file, new Uint8Array(16), 0);
    expect(reads.every((r) => r.length <= MAX_IO_CHUNK_BYTES)).toBe(true);
  });
});

describe('readConcurrently', () => {
  it('fills the target like readFully, with at most `concurrency` reads in flight', async () => {
    const base = 3 * 2 ** 30 + 7;
    const { file } = fakeFile(base + 1000, 3);
    let inFlight = 0;
    let most = 0;
    const counting = {
      ...file,
      async read(buffer: Uint8Array, offset: number, length: number, position: number) {
        most = Math.max(most, ++inFlight);
        await new Promise((resolve) => setTimeout(resolve, 1));
        try {
          return await file.read(buffer, offset, length, position);
        } finally {
          inFlight--;
        }
      },
    };
    const target = new Uint8Array(103);
    expect(await readConcurrently(counting, target, base, 10, 4)).toBe(103);
    expect([...target]).toEqual(Array.from({ length: 103 }, (_, i) => (base + i) % 251));
    expect(most).toBe(4);
  });

  it.each([
    [1045, 45], // the file ends inside the fifth chunk
    [1040, 40], // … exactly at a chunk boundary
    [1100, 100], // the target is read in full
    [1000, 0],
  ])('a file of %i bytes read from byte 1000 gives %i bytes, as readFully does', async (size, want) => {
    const target = new Uint8Array(100);
    expect(await readConcurrently(fakeFile(size).file, target, 1000, 10, 3)).toBe(want);
    expect(await readFully(fakeFile(size).file, new Uint8Array(100), 1000, 10)).toBe(want);
    expect([...target.subarray(0, want)]).toEqual(Array.from({ length: want }, (_, i) => (1000 + i) % 251));
  });

  it.each([0, 1.5])('rejects concurrency %d', async (concurrency) => {
    await expect(readConcurrently(fakeFile(10).file, new Uint8Array(1), 0, 1, concurrency)).rejects.toThrow(
      RangeError,
    );
  });
});

describe('writeFully', () => {
  it('writes in chunks, tolerating short writes, at positions past 4 GiB', async () => {
    const base = 5 * 2 ** 30;
    const { file, writes, written } = fakeFile(0, 4);
    const source = Uint8Array.from({ length: 13 }, (_, i) => i + 1);
    await writeFully(file, source, base, 6);
    expect(writes.every((w) => w.length <= 6)).toBe(true);
    expect(writes[0]).toEqual({ length: 6, position: base });
    expect(Array.from({ length: 13 }, (_, i) => written.get(base + i))).toEqual([...source]);
  });
});
