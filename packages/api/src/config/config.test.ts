import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('uses the documented defaults', () => {
    const c = loadConfig({}, '/srv');
    expect(c).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      dataDir: '/srv/data',
      seedDemo: true,
      auth: 'off',
      maxUploadBytes: 8 * 1024 ** 3,
      encodeInlineMaxValues: 256 * 1024,
      fullLoadMaxBytes: 256 * 1024 * 1024,
    });
    expect(loadConfig({ GRADIEND_FULL_LOAD_MAX_BYTES: '0' }).fullLoadMaxBytes).toBe(0);
    expect(c.webDir.endsWith(`${path.sep}web${path.sep}dist`)).toBe(true);
    expect(loadConfig({ GRADIEND_WEB_DIR: 'site' }, '/srv').webDir).toBe('/srv/site');
  });

  it('sizes the analysis memory budget from the machine unless set', () => {
    const c = loadConfig({});
    // Half the machine, or less under a cgroup memory limit.
    expect(c.analysisMemoryBytes).toBeGreaterThan(0);
    expect(c.analysisMemoryBytes).toBeLessThanOrEqual(Math.floor(os.totalmem() / 2));
    expect(c).toMatchObject({ analysisQueueLength: 64, analysisQueueTimeoutMs: 60_000 });
    expect(loadConfig({ GRADIEND_ANALYSIS_MEMORY_BYTES: '3221225472' }).analysisMemoryBytes).toBe(
      3 * 1024 ** 3,
    );
    expect(() => loadConfig({ GRADIEND_ANALYSIS_MEMORY_BYTES: '3G' })).toThrow(
      /GRADIEND_ANALYSIS_MEMORY_BYTES/,
    );
    expect(() => loadConfig({ GRADIEND_ANALYSIS_MEMORY_BYTES: '1024' })).toThrow(
      /GRADIEND_ANALYSIS_MEMORY_BYTES/,
    );
    expect(() => loadConfig({ GRADIEND_ANALYSIS_QUEUE_LENGTH: '-1' })).toThrow(
      /GRADIEND_ANALYSIS_QUEUE_LENGTH/,
    );
  });

  it('requires auth by default when not on loopback', () => {
    expect(loadConfig({ HOST: '0.0.0.0' }).auth).toBe('required');
    expect(loadConfig({ HOST: '0.0.0.0', GRADIEND_AUTH: 'off' }).auth).toBe('off');
  });

  it('names the bad variable', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: '70000' })).toThrow(/PORT/);
    expect(() => loadConfig({ GRADIEND_AUTH: 'maybe' })).toThrow(/GRADIEND_AUTH/);
    expect(() => loadConfig({ GRADIEND_SEED_DEMO: 'perhaps' })).toThrow(/GRADIEND_SEED_DEMO/);
    expect(() => loadConfig({ GRADIEND_MAX_UPLOAD_BYTES: '-1' })).toThrow(/GRADIEND_MAX_UPLOAD_BYTES/);
    expect(() => loadConfig({ GRADIEND_ENCODE_INLINE_MAX_VALUES: '4M' })).toThrow(
      /GRADIEND_ENCODE_INLINE_MAX_VALUES/,
    );
    expect(() => loadConfig({ GRADIEND_FULL_LOAD_MAX_BYTES: '256M' })).toThrow(
      /GRADIEND_FULL_LOAD_MAX_BYTES/,
    );
  });
});
