import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/**
 * The core benchmark's generator writes (or reuses) the unpruned bert-base checkpoint in a temp dir;
 * run in a child process so its ~1.3 GB of arrays never count towards the benchmark's own memory.
 */
export function ensureBertCheckpoint(): string {
  const out = execFileSync(
    process.execPath,
    [
      '--import',
      import.meta.resolve('tsx'),
      path.join(repoRoot, 'packages/core/bench/generate-checkpoint.ts'),
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const dir = /^(?:wrote|reused) (.+)$/m.exec(out)?.[1];
  if (!dir) throw new Error(`unexpected generator output: ${out}`);
  return dir.trim();
}
