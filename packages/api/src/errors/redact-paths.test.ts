import { describe, expect, it } from 'vitest';
import { ApiError } from './api-error.js';
import { redactPaths } from './redact-paths.js';
import path from 'node:path';
import { buildApp } from '../app.js';
import { DEFAULT_ENCODE_INLINE_MAX_VALUES } from '../config/config.js';
import { makeTempDir } from '../test-support/temp-dir.js';

describe('redactPaths', () => {
  const roots = ['/srv/data', '/tmp', 'C:\\data'];
  it.each([
    [
      "ENOENT: no such file or directory, open '/srv/data/tmp/upload-x1/checkpoint/config.json'",
      "ENOENT: no such file or directory, open 'config.json'",
    ],
    [
      '/tmp/gradiend-x/cache/model.safetensors: tensor w is missing',
      'model.safetensors: tensor w is missing',
    ],
    ['C:\\data\\tmp\\x\\config.json is bad', 'config.json is bad'],
    ['model.safetensors: header too long', 'model.safetensors: header too long'],
    ['No route GET /api/models/m', 'No route GET /api/models/m'],
  ])('%s', (input, expected) => {
    expect(redactPaths(input, roots)).toBe(expected);
  });

  it('applies to every problem the server sends', async () => {
    const tmp = await makeTempDir();
    const app = await buildApp(
      {
        port: 0,
        host: '127.0.0.1',
        dataDir: tmp.dir,
        seedDemo: false,
        auth: 'off',
        maxUploadBytes: 1024,
        workers: 0,
        onnxCacheBytes: 1024,
        encodeInlineMaxValues: DEFAULT_ENCODE_INLINE_MAX_VALUES,
        logLevel: 'silent',
        webDir: path.join(tmp.dir, 'no-web'),
      },
      { logger: false },
    );
    try {
      app.get('/boom', async () => {
        throw new ApiError('GRADIEND_ERR_CHECKPOINT', `${tmp.dir}/tmp/upload-1/checkpoint/config.json: bad`);
      });
      const res = await app.inject('/boom');
      expect(res.json().detail).toBe('config.json: bad');
      expect(res.body).not.toContain(tmp.dir);
    } finally {
      await app.close();
      await tmp.cleanup();
    }
  });
});
