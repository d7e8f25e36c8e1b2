import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../test-support/temp-dir.js';
import { runCli } from './cli.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const pkg = JSON.parse(readFileSync(path.resolve(here, '../../package.json'), 'utf8')) as {
  scripts: Record<string, string>;
};
const apiDoc = readFileSync(path.resolve(here, '../../../../docs/api.md'), 'utf8');

describe('gradiend-api CLI', () => {
  let cleanup: () => Promise<void>;
  const saved = process.env.GRADIEND_DATA_DIR;
  beforeEach(async () => {
    const tmp = await makeTempDir();
    cleanup = tmp.cleanup;
    process.env.GRADIEND_DATA_DIR = tmp.dir;
  });
  afterEach(async () => {
    if (saved === undefined) delete process.env.GRADIEND_DATA_DIR;
    else process.env.GRADIEND_DATA_DIR = saved;
    await cleanup();
  });

  it('refuses token names the API would reject (spaces, slashes, newlines)', async () => {
    for (const name of ['a b', 'a/b', 'a\nb', '.dot']) {
      const errors: string[] = [];
      const code = await runCli(
        ['tokens', 'create', '--name', name, '--role', 'read'],
        () => {},
        (l) => errors.push(l),
      );
      expect(code, name).toBe(2);
      expect(errors.join('\n')).toContain('must match');
    }
    const out: string[] = [];
    expect(
      await runCli(
        ['tokens', 'create', '--name', 'ci-bot', '--role', 'read'],
        (l) => out.push(l),
        () => {},
      ),
    ).toBe(0);
    expect(out[0]).toMatch(/^\S{20,}$/);
  });

  it('every `pnpm --filter @gradiend/api <script>` in docs/api.md is a script of the package', () => {
    const used = [...apiDoc.matchAll(/pnpm --filter @gradiend\/api (?:run )?([a-z][\w:-]*)/g)].map(
      (m) => m[1] ?? '',
    );
    expect(used.length).toBeGreaterThan(0);
    expect(used.filter((s) => s !== 'exec' && !(s in pkg.scripts))).toEqual([]);
    expect(apiDoc).not.toContain('exec gradiend-api');
  });
});
