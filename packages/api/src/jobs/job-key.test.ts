import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson, jobKey } from './job-key.js';

describe('jobKey', () => {
  it('ignores key order and undefined members, and names the kind', () => {
    const a = jobKey('prune', { files: ['x', 'y'], request: { topk: { count: 5 }, part: 'decoder-weight' } });
    const b = jobKey('prune', {
      request: { part: 'decoder-weight', topk: { count: 5 }, mask: undefined },
      files: ['x', 'y'],
    });
    expect(a).toBe(b);
    expect(a).toBe(
      `prune:${createHash('sha256')
        .update(canonicalJson({ files: ['x', 'y'], request: { part: 'decoder-weight', topk: { count: 5 } } }))
        .digest('hex')}`,
    );
  });

  it('tells different inputs, array orders and kinds apart', () => {
    const base = { files: ['x', 'y'], k: 1 };
    expect(jobKey('prune', base)).not.toBe(jobKey('prune', { ...base, k: 2 }));
    expect(jobKey('prune', base)).not.toBe(jobKey('prune', { ...base, files: ['y', 'x'] }));
    expect(jobKey('prune', base)).not.toBe(jobKey('curve', base));
    expect(canonicalJson({ b: [1, { d: null, c: 'é' }], a: true })).toBe(
      '{"a":true,"b":[1,{"c":"é","d":null}]}',
    );
  });
});
