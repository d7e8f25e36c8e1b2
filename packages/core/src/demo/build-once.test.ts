import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { buildOnce } from './built-in-demos.js';

const root = path.join(os.tmpdir(), `gradiend-build-once-${process.pid}`);
afterAll(() => rm(root, { recursive: true, force: true }));

function writer(tag: string, delayMs: number) {
  return async (dir: string) => {
    await writeFile(path.join(dir, 'payload'), tag);
    await sleep(delayMs);
    await writeFile(path.join(dir, 'demo.json'), '{}');
  };
}

describe('buildOnce', () => {
  it('lets concurrent builders agree on one finished folder and leaves no temp folders', async () => {
    const [a, b] = await Promise.all([
      buildOnce(root, 'x', writer('a', 50)),
      buildOnce(root, 'x', writer('b', 10)),
    ]);
    expect(a.dir).toBe(b.dir);
    expect([a.built, b.built].filter(Boolean)).toHaveLength(1);
    expect(['a', 'b']).toContain(await readFile(path.join(a.dir, 'payload'), 'utf8'));
    expect(await readdir(root)).toEqual(['x']);
    const again = await buildOnce(root, 'x', () => Promise.reject(new Error('must not rebuild')));
    expect(again.built).toBe(false);
  });

  it('replaces a folder that holds no demo.json and cleans up after a failed build', async () => {
    await mkdir(path.join(root, 'y'), { recursive: true });
    await writeFile(path.join(root, 'y', 'stale'), '');
    const r = await buildOnce(root, 'y', writer('fresh', 0));
    expect(r.built).toBe(true);
    expect((await readdir(r.dir)).sort()).toEqual(['demo.json', 'payload']);
    await expect(buildOnce(root, 'z', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect((await readdir(root)).sort()).toEqual(['x', 'y']);
  });
});
