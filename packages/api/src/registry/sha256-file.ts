import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { BlobInfo } from '../storage/blob-store.js';

export async function sha256File(file: string): Promise<BlobInfo> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(file)) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), size };
}
