import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readRawBody } from './read-raw-body.js';

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
});
