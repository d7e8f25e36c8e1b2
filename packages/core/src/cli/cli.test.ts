import { describe, expect, it } from 'vitest';
import { fixturePath } from '../test-support/fixtures.js';
import { COMMANDS } from './cli.js';
import { runCaptured } from './testing/run-captured.js';

describe('gradiend CLI dispatch', () => {
  it('prints the command list for --help and exits 0', async () => {
    const r = await runCaptured('--help');
    expect(r.code).toBe(0);
    for (const c of COMMANDS) expect(r.stdout).toContain(c.name);
  });

  it('exits 2 with usage when no command is given', async () => {
    const r = await runCaptured();
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('usage: gradiend <command>');
  });

  it('exits 2 on an unknown command', async () => {
    const r = await runCaptured('frobnicate');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown command 'frobnicate'");
  });

  it.each(COMMANDS.map((c) => c.name))('%s --help prints its usage and exits 0', async (name) => {
    const r = await runCaptured(name, '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`usage: gradiend ${name}`);
    expect(r.stderr).toBe('');
  });

  it('exits 2 on an unknown flag, naming it', async () => {
    const r = await runCaptured('inspect', fixturePath('two-layer-all', 'model'), '--bogus');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--bogus');
    expect(r.stderr).toContain('usage: gradiend inspect');
  });

  it('exits 2 when the checkpoint argument is missing', async () => {
    const r = await runCaptured('importance');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('missing <dir>');
  });

  it('reports a domain error as `error: <message> [<code>]` with exit 1, and as JSON with --json', async () => {
    const plain = await runCaptured('importance', '/definitely/not/here');
    expect(plain.code).toBe(1);
    expect(plain.stderr).toMatch(/^error: .*\/definitely\/not\/here.* \[GRADIEND_ERR_CHECKPOINT\]\n$/);
    const json = await runCaptured('importance', '/definitely/not/here', '--json');
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ error: { code: 'GRADIEND_ERR_CHECKPOINT' } });
  });

  it('--verbose reports every step with its time on stderr', async () => {
    const r = await runCaptured(
      'importance',
      fixturePath('two-layer-all', 'model'),
      '--verbose',
      '--top',
      '3',
    );
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^load: \d+\.\d\d s$/m);
    expect(r.stderr).toMatch(/^importance: \d+\.\d\d s$/m);
  });
});
