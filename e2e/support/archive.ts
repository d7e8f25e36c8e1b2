import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';

/** A .tar.gz of a checkpoint folder's files (flat, no folder entry), via the system tar. */
export function tarGzFolder(dir: string, out: string): string {
  const files = readdirSync(dir).sort();
  execFileSync('tar', ['-czf', out, '-C', dir, ...files]);
  return out;
}
