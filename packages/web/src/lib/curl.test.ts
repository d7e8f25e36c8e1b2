import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { curlCommand, shellQuote } from './curl';

/** What a POSIX shell makes of a command line: the argv it would pass to curl. */
function shellWords(command: string): string[] {
  const out = execFileSync('sh', ['-c', `set -- ${command}; printf '%s\\0' "$@"`]);
  return out.toString().split('\0').slice(0, -1);
}

describe('curlCommand', () => {
  const origin = 'http://127.0.0.1:8080';

  it('builds a plain GET', () => {
    expect(curlCommand({ origin, path: '/api/models?q=bert&tag=demo' })).toBe(
      "curl -fsS 'http://127.0.0.1:8080/api/models?q=bert&tag=demo'",
    );
  });

  it('round-trips JSON bodies with quotes through the shell', () => {
    const json = { topk: 0.01, note: 'it\'s "quoted" $HOME `x`' };
    const cmd = curlCommand({ origin, path: '/api/models/m/versions/1/prune', json });
    const argv = shellWords(cmd);
    expect(argv[0]).toBe('curl');
    const d = argv.indexOf('-d');
    expect(JSON.parse(argv[d + 1] ?? '')).toEqual(json);
    expect(argv).toContain('content-type: application/json');
    expect(argv.at(-1)).toBe(`${origin}/api/models/m/versions/1/prune`);
    expect(argv).not.toContain('-X');
  });

  it('sends files as raw bodies and saves downloads', () => {
    const argv = shellWords(
      curlCommand({
        origin,
        path: '/api/models/m/versions/1/encode?input_scale=auto',
        dataFile: { path: 'my grads.safetensors', contentType: 'application/x-safetensors' },
      }),
    );
    expect(argv).toContain('@my grads.safetensors');
    expect(argv).toContain('content-type: application/x-safetensors');
    const get = shellWords(
      curlCommand({ origin, path: '/api/x/archive?format=tar.gz', output: 'm-v1.tar.gz' }),
    );
    expect(get.slice(-3)).toEqual(['-o', 'm-v1.tar.gz', `${origin}/api/x/archive?format=tar.gz`]);
  });

  it('names non-GET methods without a body', () => {
    expect(curlCommand({ origin, path: '/api/models/m/aliases/champion', method: 'DELETE' })).toContain(
      '-X DELETE',
    );
  });

  it('quotes only when needed', () => {
    expect(shellQuote('abc/def.json')).toBe('abc/def.json');
    expect(shellQuote("a'b")).toBe(`'a'\\''b'`);
  });
});
