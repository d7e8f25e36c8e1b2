import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../cli.js';

export interface CapturedRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI in-process with stdout/stderr captured as strings. */
export async function runCaptured(...argv: string[]): Promise<CapturedRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
  });
  return { code, stdout, stderr };
}

/** Runs a `--json` command and parses its single stdout document, failing loudly on a non-zero exit. */
export async function runJson<T>(...argv: string[]): Promise<T> {
  const r = await runCaptured(...argv, '--json');
  if (r.code !== 0) throw new Error(`gradiend ${argv.join(' ')} exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

export function tempDir(prefix: string): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), `gradiend-cli-${prefix}-`));
}
