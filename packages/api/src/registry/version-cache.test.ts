import { describe, expect, it } from 'vitest';
import type { VersionRecord } from '../storage/metadata-store.js';
import { VersionCache } from './version-cache.js';

const record = (model: string, version: number) => ({ model, version }) as VersionRecord;

describe('VersionCache', () => {
  it('serves a record until its TTL passes or it is deleted', () => {
    const cache = new VersionCache(1_000, 10);
    const v1 = record('m', 1);
    cache.set(v1, 0);
    expect(cache.get('m', 1, 999)).toBe(v1);
    expect(cache.get('m', 1, 1_000)).toBeUndefined();
    cache.set(v1, 0);
    cache.delete('m', 1);
    expect(cache.get('m', 1, 1)).toBeUndefined();
    expect(cache.get('other', 1, 1)).toBeUndefined();
  });

  it('drops the oldest entries past its size', () => {
    const cache = new VersionCache(1_000, 2);
    for (const v of [1, 2, 3]) cache.set(record('m', v), 0);
    expect([1, 2, 3].map((v) => cache.get('m', v, 1)?.version)).toEqual([undefined, 2, 3]);
  });
});
