import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { curlAvailable, curlDownload, download } from './transfer.js';

// A body of many lines (some chunks end mid-line) and an error answer, served on loopback.
const LINES = 50_000;
const BODY = Array.from({ length: LINES }, (_, i) => `${i},row ${i}\n`).join('');

describe('curlDownload (the analysis benchmark’s download client)', () => {
  let server: http.Server;
  let base = '';
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      if (req.url === '/csv') {
        res.writeHead(200, { 'content-type': 'text/csv' });
        for (let at = 0; at < BODY.length; at += 65_537) res.write(BODY.slice(at, at + 65_537));
        res.end();
      } else {
        res.writeHead(404, { 'content-type': 'application/problem+json' });
        res.end('{"title":"no such download"}');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('is available on this machine kind (Debian’s curl), so the benchmark times with it', () => {
    expect(curlAvailable()).toBe(true);
  });

  it('reports status, bytes, a positive time and counted lines like the node:http client', async () => {
    const viaCurl = await curlDownload(`${base}/csv`, { countLines: true });
    const viaNode = await download(`${base}/csv`, { countLines: true });
    expect(viaCurl.status).toBe(200);
    expect(viaCurl.bytes).toBe(Buffer.byteLength(BODY));
    expect(viaCurl.lines).toBe(LINES);
    expect(viaCurl.seconds).toBeGreaterThan(0);
    expect({ ...viaCurl, seconds: 0 }).toEqual({ ...viaNode, seconds: 0 });
  });

  it('counts nothing unless asked, and keeps an error answer’s body', async () => {
    const plain = await curlDownload(`${base}/csv`);
    expect(plain.lines).toBeNull();
    expect(plain.bytes).toBe(Buffer.byteLength(BODY));
    const missing = await curlDownload(`${base}/nope`);
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.body)).toEqual({ title: 'no such download' });
  });
});
