import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../test-support/temp-dir.js';
import { createTestApp, type TestApp } from '../test-support/test-app.js';

const INDEX = '<!doctype html><title>fake dashboard</title><div id="root"></div>';
const ASSET = 'console.log("hashed");';
const HTML = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };

describe('dashboard with a web build', () => {
  let t: TestApp;
  let web: { dir: string; cleanup: () => Promise<void> };

  beforeAll(async () => {
    web = await makeTempDir('gradiend-web-');
    await fs.mkdir(path.join(web.dir, 'assets'));
    await fs.writeFile(path.join(web.dir, 'index.html'), INDEX);
    await fs.writeFile(path.join(web.dir, 'assets', 'index-AbC123xy.js'), ASSET);
    await fs.writeFile(path.join(web.dir, 'favicon.svg'), '<svg/>');
    t = await createTestApp({ webDir: web.dir });
  });
  afterAll(async () => {
    await t.close();
    await web.cleanup();
  });

  it('serves index.html at / and revalidates it', async () => {
    const res = await t.app.inject({ url: '/', headers: HTML });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body).toBe(INDEX);
    expect(res.headers['cache-control']).toBe('no-cache');
    expect((await t.app.inject('/')).body).toBe(INDEX);
  });

  it('serves hashed assets as immutable and other files as revalidated', async () => {
    const asset = await t.app.inject('/assets/index-AbC123xy.js');
    expect(asset.statusCode).toBe(200);
    expect(asset.body).toBe(ASSET);
    expect(asset.headers['content-type']).toContain('javascript');
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const icon = await t.app.inject('/favicon.svg');
    expect(icon.statusCode).toBe(200);
    expect(icon.headers['cache-control']).toBe('no-cache');
    expect((await t.app.inject({ method: 'HEAD', url: '/assets/index-AbC123xy.js' })).statusCode).toBe(200);
  });

  it('falls back to index.html for client-side routes a browser asks for', async () => {
    for (const url of ['/models/digits-3-vs-8', '/models/x/versions/2/heatmap?part=encoder-weight']) {
      const res = await t.app.inject({ url, headers: HTML });
      expect(res.statusCode, url).toBe(200);
      expect(res.body).toBe(INDEX);
    }
  });

  it('never falls back for /api, missing assets or non-HTML requests', async () => {
    for (const url of ['/api/nope', '/api']) {
      const res = await t.app.inject({ url, headers: HTML });
      expect(res.statusCode, url).toBe(404);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json().code).toBe('GRADIEND_ERR_ROUTE_NOT_FOUND');
    }
    expect((await t.app.inject('/assets/missing-123.js')).statusCode).toBe(404);
    expect((await t.app.inject('/models/x')).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'POST', url: '/models/x', headers: HTML })).statusCode).toBe(404);
    expect((await t.app.inject({ url: '/api/models', headers: HTML })).json()).toHaveProperty('items');
  });

  it('does not serve files outside the web dir', async () => {
    const res = await t.app.inject({ url: '/%2e%2e/%2e%2e/etc/passwd' });
    expect(res.statusCode).toBe(404);
    expect(res.body).not.toContain('root:');
  });
});

describe('dashboard without a web build', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('answers / with a page explaining how to build it, and keeps serving the API', async () => {
    for (const res of [await t.app.inject('/'), await t.app.inject({ url: '/models/x', headers: HTML })]) {
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toContain('text/html');
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.body).toContain('dashboard is not built');
      expect(res.body).toContain('pnpm --filter @gradiend/web build');
    }
    expect((await t.app.inject('/assets/index-AbC123xy.js')).statusCode).toBe(404);
    expect((await t.app.inject('/api/health')).statusCode).toBe(200);
  });
});
