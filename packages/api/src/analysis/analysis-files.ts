import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { StagedBlob } from '../workers/task-types.js';

/**
 * Writes bytes to a new file under `dir` and hashes them, in 16 MiB steps (no second copy). Not
 * synced here: the blob store syncs the file before it renames it into place (BlobStore.putFile),
 * off this worker thread, which is then free for requests sooner.
 */
async function writeHashed(file: string, bytes: Uint8Array): Promise<StagedBlob> {
  const hash = createHash('sha256');
  const handle = await fs.open(file, 'wx');
  try {
    const step = 16 * 1024 * 1024;
    for (let at = 0; at < bytes.length; at += step) {
      const chunk = bytes.subarray(at, Math.min(at + step, bytes.length));
      hash.update(chunk);
      await handle.write(chunk);
    }
  } finally {
    await handle.close();
  }
  return { path: file, sha256: hash.digest('hex'), size: bytes.length };
}

/** The analysis cache's two blobs: the importance as raw little-endian float32 and its summary. */
export async function writeAnalysisFiles(
  dir: string,
  importance: Float32Array,
  summary: string,
): Promise<{ importance: StagedBlob; summary: StagedBlob }> {
  const raw = new Uint8Array(importance.buffer, importance.byteOffset, importance.byteLength);
  return {
    importance: await writeHashed(path.join(dir, 'importance.f32'), raw),
    summary: await writeHashed(path.join(dir, 'summary.json'), new TextEncoder().encode(summary)),
  };
}
