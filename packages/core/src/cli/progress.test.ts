import { describe, expect, it } from 'vitest';
import { Progress } from './progress.js';

function clock(...times: number[]): () => number {
  return () => times.shift() ?? 0;
}

describe('Progress', () => {
  it('stays quiet for fast steps and reports slow ones', async () => {
    let err = '';
    const stderr = { write: (s: string) => (err += s) };
    expect(await new Progress(stderr, false, clock(0, 100)).step('load', () => 1)).toBe(1);
    expect(err).toBe('');
    await new Progress(stderr, false, clock(0, 1500)).step('prune', async () => 2);
    expect(err).toBe('prune: 1.50 s\n');
  });

  it('reports every step with --verbose', async () => {
    let err = '';
    await new Progress({ write: (s: string) => (err += s) }, true, clock(0, 10)).step('save', () => 0);
    expect(err).toBe('save …\nsave: 0.01 s\n');
  });
});
