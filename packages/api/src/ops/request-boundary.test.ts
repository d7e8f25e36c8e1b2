import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateToken, hashToken } from '../auth/tokens.js';
import { BODY_LIMITS } from './request-limits.js';
import { rawRequest } from '../test-support/raw-socket.js';
import { createTestApp, type TestApp } from '../test-support/test-app.js';

const MIB = 1024 * 1024;

/**
 * Each case declares a body far larger than it sends: an answer that arrives while the body is
 * still incomplete proves the server decided before reading (let alone parsing) it.
 */
describe('request boundary: nothing is read before routing, auth and the route limit', () => {
  let t: TestApp;
  let port: number;
  const readToken = generateToken();
  const writeToken = generateToken();

  beforeAll(async () => {
    t = await createTestApp({ auth: 'required' });
    for (const [name, role, token] of [
      ['reader', 'read', readToken],
      ['writer', 'write', writeToken],
    ] as const) {
      await t.app.services.meta.createToken({ name, role, tokenHash: hashToken(token), actor: 'test' });
    }
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    port = (t.app.server.address() as AddressInfo).port;
  });
  afterAll(() => t.close());

  const json = (declared: number, extra: Record<string, string> = {}) => ({
    'content-type': 'application/json',
    'content-length': String(declared),
    ...extra,
  });
  const head = Buffer.from('{"inputs":[[' + ' '.repeat(1000));

  it.each([
    ['an unknown route', '/api/nope', 404, 'GRADIEND_ERR_ROUTE_NOT_FOUND'],
    ['a GET-only route', '/api/health', 404, 'GRADIEND_ERR_ROUTE_NOT_FOUND'],
    ['the dashboard root', '/', 404, 'GRADIEND_ERR_ROUTE_NOT_FOUND'],
    ['a route needing a token', '/api/models/m/versions/1/prune', 401, 'GRADIEND_ERR_AUTH_MISSING'],
  ])('a 63 MB body without a token to %s is answered unread', async (_what, path, status, code) => {
    const r = await rawRequest(port, { method: 'POST', path, headers: json(63 * MIB), body: head });
    expect(r.status).toBe(status);
    expect(r.headers['content-type']).toContain('application/problem+json');
    expect(JSON.parse(r.body).code).toBe(code);
  });

  it.each([
    ['PATCH', '/api/models/m', BODY_LIMITS.json],
    ['POST', '/api/models/m/versions/1/prune', BODY_LIMITS.pruneJson],
    ['POST', '/api/models/m/versions/1/decode', BODY_LIMITS.decodeJson],
  ])(
    '%s %s takes JSON up to its limit; one byte more is 413 before it is read',
    async (method, path, limit) => {
      const r = await rawRequest(port, {
        method,
        path,
        headers: json(limit + 1, { authorization: `Bearer ${writeToken}` }),
        body: head,
      });
      expect(r.status).toBe(413);
      expect(JSON.parse(r.body).code).toBe('GRADIEND_ERR_REQUEST_TOO_LARGE');
      expect(limit).toBeLessThanOrEqual(16 * MIB);
    },
  );

  it('encode takes JSON up to 64 MiB only; float32 bodies may be larger', async () => {
    const auth = { authorization: `Bearer ${readToken}` };
    const path = '/api/models/m/versions/1/encode';
    const tooBig = await rawRequest(port, {
      method: 'POST',
      path,
      headers: json(BODY_LIMITS.encodeJson + 1, auth),
      body: head,
    });
    expect(tooBig.status).toBe(413);
    expect(JSON.parse(tooBig.body).code).toBe('GRADIEND_ERR_REQUEST_TOO_LARGE');
    // A float32 body past the JSON limit is read, then the (missing) model is reported.
    expect(BODY_LIMITS.encodeJson).toBe(64 * MIB);
    const rows = Buffer.alloc(BODY_LIMITS.encodeJson + 4 * MIB);
    const raw = await rawRequest(port, {
      method: 'POST',
      path,
      headers: { ...auth, 'content-type': 'application/octet-stream', 'content-length': String(rows.length) },
      body: rows,
    });
    expect(raw.status).toBe(404);
    expect(JSON.parse(raw.body).code).toBe('GRADIEND_ERR_MODEL_NOT_FOUND');
  });

  it('the server still answers afterwards', async () => {
    const r = await rawRequest(port, { method: 'GET', path: '/api/health' });
    expect(r.status).toBe(200);
  });
});

describe('router and parser errors are problem+json 4xx', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it.each([
    [
      'a malformed percent-encoding',
      'GET',
      '/api/models/%E0%A4%A/versions',
      400,
      'GRADIEND_ERR_REQUEST_VALIDATION',
    ],
    [
      'an over-long route parameter',
      'DELETE',
      `/api/models/${'m'.repeat(5000)}`,
      400,
      'GRADIEND_ERR_REQUEST_VALIDATION',
    ],
  ] as const)('%s', async (_what, method, url, status, code) => {
    const res = await t.app.inject({ method, url });
    expect(res.statusCode).toBe(status);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json().code).toBe(code);
  });

  it('multipart without a boundary is a 4xx', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/models/m/versions',
      headers: { 'content-type': 'multipart/form-data' },
      payload: 'whatever',
    });
    expect(res.statusCode).toBe(415);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json().code).toBe('GRADIEND_ERR_REQUEST_MEDIA_TYPE');
  });
});

describe('non-finite numbers in the query string', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it.each([
    '/api/models/m/versions/1/importance/histogram?bins=Infinity',
    '/api/models/m/versions/1/params/p/heatmap?rows=-Infinity',
    '/api/models/m/versions/1/params/p/heatmap?rows=Infinity&cols=Infinity',
    '/api/models?limit=Infinity',
    '/api/models?offset=Infinity',
    '/api/models?limit=NaN',
    '/api/audit?limit=-Infinity',
  ])('%s is a 400 before any work', async (url) => {
    const res = await t.app.inject(url);
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().code).toBe('GRADIEND_ERR_REQUEST_VALIDATION');
  });
});
