import type { Dirent } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** A fresh temp directory; remove it with the returned cleanup. */
export async function makeTempDir(
  prefix = 'gradiend-api-',
): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => fs.rm(dir, { recursive: true, force: true }) };
}

/**
 * Every file below `dir`, as paths relative to it. A directory that vanishes during the walk (a
 * request's staging folder being removed) is skipped: a recursive fs.readdir fails as a whole then,
 * which made a listing taken at such a moment come back empty.
 */
export async function listFiles(dir: string): Promise<string[]> {
  const files: string[] = [];
  const walk = async (sub: string): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = await fs.readdir(path.join(dir, sub), { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    for (const e of entries) {
      const rel = sub === '' ? e.name : path.join(sub, e.name);
      if (e.isDirectory()) await walk(rel);
      else if (e.isFile()) files.push(rel);
    }
  };
  await walk('');
  return files.sort();
}
