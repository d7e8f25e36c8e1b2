import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { TRUSTED_PREALLOCATION, readRawBody } from './read-raw-body.js';

const chunks = () => Readable.from([Buffer.from([1, 2, 3]), Buffer.from([4, 5, 6, 7, 8])]);

describe('readRawBody', () => {
  it('assembles the chunks into one aligned buffer, with or without Content-Length', async () => {
    for (const declared of [8, undefined]) {
      const body = await readRawBody(chunks(), declared, 100);
      expect([...body]).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      expect(body.byteOffset % 4).toBe(0);
    }
  });

  it('rejects bodies over the limit or not matching Content-Length', async () => {
    await expect(readRawBody(chunks(), 8, 4)).rejects.toMatchObject({
      code: 'GRADIEND_ERR_REQUEST_TOO_LARGE',
    });
    await expect(readRawBody(chunks(), undefined, 4)).rejects.toMatchObject({
      code: 'GRADIEND_ERR_REQUEST_TOO_LARGE',
    });
    await expect(readRawBody(chunks(), 6, 100)).rejects.toThrow(/longer than Content-Length/);
    await expect(readRawBody(chunks(), 10, 100)).rejects.toThrow(/ended after 8 of 10/);
  });

  it('does not allocate a large declared length up front; grows with what arrives', async () => {
    const sizes: number[] = [];
    const allocate = (size: number) => {
      sizes.push(size);
      return Buffer.allocUnsafeSlow(size);
    };
    const parts = Array.from({ length: 5 }, (_, i) => Buffer.alloc(8 * 1024 * 1024, i + 1));
    const declared = 40 * 1024 * 1024;
    const body = await readRawBody(Readable.from(parts), declared, 1024 ** 3, allocate);
    expect(body.length).toBe(declared);
    expect(body.equals(Buffer.concat(parts))).toBe(true);
    expect(sizes[0]).toBe(TRUSTED_PREALLOCATION);
    expect(sizes.at(-1)).toBe(declared);
    // A client declaring 1 GiB and sending 64 bytes holds 16 MiB, not 1 GiB.
    sizes.length = 0;
    await expect(
      readRawBody(Readable.from([Buffer.alloc(64)]), 1024 ** 3, 1024 ** 3, allocate),
    ).rejects.toThrow(/ended after 64/);
    expect(Math.max(...sizes)).toBe(TRUSTED_PREALLOCATION);
  });
});
