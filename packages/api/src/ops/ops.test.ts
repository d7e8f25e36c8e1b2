import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturePath } from '../test-support/fixtures.js';
import { folderParts, multipart } from '../test-support/multipart.js';
import { createTestApp, type TestApp } from '../test-support/test-app.js';

describe('operations: readiness, metrics, request ids, rate limit, CORS', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      rateLimitWritesPerMinute: 2,
      corsOrigins: ['https://dash.example'],
      metrics: true,
    });
  });
  afterAll(() => t.close());

  it('is ready when the database and blob store answer', async () => {
    const res = await t.app.inject('/api/ready');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ready', checks: { database: 'ok', blobs: 'ok' } });
  });

  it('is not ready (503 problem+json) when the blob store is unreachable', async () => {
    const broken = await createTestApp();
    try {
      await fs.rm(path.join(broken.dataDir, 'blobs'), { recursive: true });
      const res = await broken.app.inject('/api/ready');
      expect(res.statusCode).toBe(503);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json()).toMatchObject({ code: 'GRADIEND_ERR_NOT_READY', checks: { database: 'ok' } });
    } finally {
      await broken.close();
    }
  });

  it('passes a sane x-request-id through and generates one otherwise', async () => {
    const given = await t.app.inject({ url: '/api/health', headers: { 'x-request-id': 'abc-123' } });
    expect(given.headers['x-request-id']).toBe('abc-123');
    const forged = await t.app.inject({ url: '/api/health', headers: { 'x-request-id': 'a b\nc' } });
    expect(forged.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('rate-limits write routes only, with a problem+json 429', async () => {
    const parts = multipart(folderParts(fixturePath('two-layer-all', 'model')));
    // copy=true: each identical upload is a real write (a duplicate would answer with version 1).
    const post = () => t.app.inject({ method: 'POST', url: '/api/models/rl/versions?copy=true', ...parts });
    expect((await post()).statusCode).toBe(201);
    expect((await post()).statusCode).toBe(201);
    const limited = await post();
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['content-type']).toContain('application/problem+json');
    expect(limited.json().code).toBe('GRADIEND_ERR_RATE_LIMITED');
    for (let i = 0; i < 5; i++) expect((await t.app.inject('/api/models/rl')).statusCode).toBe(200);
    const encode = await t.app.inject({
      method: 'POST',
      url: '/api/models/rl/versions/1/encode',
      payload: {
        inputs: [
          [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
        ],
      },
    });
    expect(encode.statusCode).not.toBe(429);
  });

  it('answers CORS preflights for configured origins only', async () => {
    const ok = await t.app.inject({
      method: 'OPTIONS',
      url: '/api/models',
      headers: { origin: 'https://dash.example', 'access-control-request-method': 'GET' },
    });
    expect(ok.headers['access-control-allow-origin']).toBe('https://dash.example');
    const other = await t.app.inject({ url: '/api/models', headers: { origin: 'https://evil.example' } });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('serves Prometheus metrics by route pattern with cache, encode and upload series', async () => {
    const text = (await t.app.inject('/metrics')).body;
    expect(text).toMatch(
      /gradiend_http_requests_total\{method="GET",route="\/api\/models\/:name",status_code="200"\} \d+/,
    );
    expect(text).toContain('gradiend_http_request_duration_seconds_bucket');
    expect(text).toMatch(/gradiend_upload_bytes_total [1-9]/);
    expect(text).toMatch(/gradiend_cache_lookups_total\{cache="checkout",result="miss"\} [1-9]/);
    expect(text).toContain('gradiend_encode_batch_size_bucket');
    expect(text).toContain('gradiend_process_resident_memory_bytes');
  });
});
