import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateToken, hashToken } from '../auth/tokens.js';
import { rawRequest } from '../test-support/raw-socket.js';
import { createTestApp, type TestApp } from '../test-support/test-app.js';

const MAX_BODIES = 3;
const tokenA = generateToken();
const tokenB = generateToken();

async function addTokens(app: TestApp): Promise<void> {
  for (const [name, token] of [
    ['a', tokenA],
    ['b', tokenB],
  ] as const) {
    await app.app.services.meta.createToken({
      name,
      role: 'write',
      tokenHash: hashToken(token),
      actor: 'test',
    });
  }
}

describe('per-client limits over a real socket: body timeouts, bodies in flight, rate limits', () => {
  let t: TestApp;
  let port: number;

  beforeAll(async () => {
    t = await createTestApp({
      auth: 'required',
      bodyIdleTimeoutS: 1,
      requestTimeoutS: 3,
      maxBodiesInFlightPerClient: MAX_BODIES,
    });
    await addTokens(t);
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    port = (t.app.server.address() as AddressInfo).port;
  });
  afterAll(() => t.close());

  const upload = (authorization: string, body: Buffer, timeoutMs = 8000) =>
    rawRequest(port, {
      method: 'POST',
      path: '/api/models/slow/versions',
      headers: {
        authorization,
        'content-type': 'multipart/form-data; boundary=xyz',
        'content-length': String(1024 * 1024),
      },
      body,
      timeoutMs,
    });
  const part = Buffer.from(
    '--xyz\r\ncontent-disposition: form-data; name="files"; filename="model.safetensors"\r\n' +
      'content-type: application/octet-stream\r\n\r\nabc',
  );

  it('a body that stops arriving is answered 408 after the idle timeout, leaving nothing behind', async () => {
    const r = await upload(`Bearer ${tokenA}`, part);
    expect(r.status).toBe(408);
    expect(JSON.parse(r.body).code).toBe('GRADIEND_ERR_REQUEST_TIMEOUT');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await t.leftovers()).toEqual([]);
  });

  it('a body that trickles in (never idle) is cut at the request timeout', async () => {
    const started = Date.now();
    const trickle = rawRequest(port, {
      method: 'POST',
      path: '/api/models/slow/versions/1/encode',
      headers: {
        authorization: `Bearer ${tokenA}`,
        'content-type': 'application/octet-stream',
        'content-length': String(1024 ** 3),
      },
      body: Buffer.alloc(16),
      drip: { bytes: 4, everyMs: 300 },
      timeoutMs: 8000,
    });
    const r = await trickle;
    expect(r.status).toBe(408);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2500);
  });

  it('one client may have only so many bodies in flight, however its Authorization is spelled', async () => {
    const spellings = [`Bearer ${tokenA}`, `bearer ${tokenA}`, `Bearer   ${tokenA}`, `BEARER ${tokenA} `];
    const stalled = spellings.slice(0, MAX_BODIES).map((auth) => upload(auth, part));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const extra = await upload(spellings[MAX_BODIES] ?? '', part, 2000);
    expect(extra.status).toBe(429);
    expect(JSON.parse(extra.body).code).toBe('GRADIEND_ERR_TOO_MANY_REQUESTS');
    // Another token is another client.
    const other = await rawRequest(port, {
      method: 'PATCH',
      path: '/api/models/nope',
      headers: {
        authorization: `Bearer ${tokenB}`,
        'content-type': 'application/json',
        'content-length': '2',
      },
      body: Buffer.from('{}'),
    });
    expect(other.status).toBe(404);
    expect((await Promise.all(stalled)).map((r) => r.status)).toEqual(Array(MAX_BODIES).fill(408));
  });

  it('rate limits key on the token, not on how the header is written; encode has its own budget', async () => {
    const limited = await createTestApp({
      auth: 'required',
      rateLimitWritesPerMinute: 2,
      rateLimitComputePerMinute: 3,
    });
    try {
      await addTokens(limited);
      await writesAndEncodes(limited);
    } finally {
      await limited.close();
    }
  });
});

async function writesAndEncodes(limited: TestApp): Promise<void> {
  {
    const patch = (authorization: string) =>
      limited.app.inject({
        method: 'PATCH',
        url: '/api/models/nope',
        headers: { authorization },
        payload: {},
      });
    expect((await patch(`Bearer ${tokenB}`)).statusCode).toBe(404);
    expect((await patch(`bearer ${tokenB}`)).statusCode).toBe(404);
    const third = await patch(`Bearer  ${tokenB}  `);
    expect(third.statusCode).toBe(429);
    expect(third.json().code).toBe('GRADIEND_ERR_RATE_LIMITED');
  }
  {
    const encode = () =>
      limited.app.inject({
        method: 'POST',
        url: '/api/models/nope/versions/1/encode',
        headers: { authorization: `Bearer ${tokenB}`, 'content-type': 'application/octet-stream' },
        payload: Buffer.alloc(4),
      });
    for (let i = 0; i < 3; i++) expect((await encode()).statusCode).toBe(404);
    const over = await encode();
    expect(over.statusCode).toBe(429);
    expect(over.json().code).toBe('GRADIEND_ERR_RATE_LIMITED');
  }
}
