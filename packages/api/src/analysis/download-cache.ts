import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';

/** Disk for finished downloads: a 1 % top-k CSV of BERT is ~130 MB, so 1 GiB holds about eight. */
export const DOWNLOAD_CACHE_BYTES = 1024 ** 3;

/**
 * Finished text downloads (streamed top-k CSV/JSON) as files in a directory of this instance's
 * temp space, by an id naming their content (content key + part + k + format). A download is
 * rendered once: its first request streams it from the task and copies each chunk to a file, which
 * becomes the entry only when the stream ended complete (a client that leaves or a failed task
 * leaves nothing behind). Later requests stream the file. Least recently used files go first
 * past `maxBytes`.
 */
export class DownloadCache {
  private readonly files = new Map<string, { readonly file: string; readonly size: number }>();
  private bytes = 0;
  private dir: Promise<string> | null = null;

  constructor(
    private readonly makeDir: () => Promise<string>,
    private readonly maxBytes = DOWNLOAD_CACHE_BYTES,
  ) {}

  /** The cached download as a stream, or null when it is not cached. */
  open(id: string): Readable | null {
    const hit = this.files.get(id);
    if (!hit) return null;
    this.files.delete(id);
    this.files.set(id, hit);
    // 1 MiB reads: a 130 MB download in ~130 steps instead of ~2000.
    return createReadStream(hit.file, { highWaterMark: 1024 * 1024 });
  }

  /**
   * `source`'s chunks, passed on unchanged and copied to the entry `id` once `source` ended and
   * its producer says it was `complete` (a task that failed midway may still have ended the
   * stream). A failing copy (disk full) only leaves the download uncached.
   */
  record(id: string, source: Readable, complete: Promise<boolean>): Readable {
    let handle: fs.FileHandle | null = null;
    let temp = '';
    let size = 0;
    let broken = false;
    const ready = (async () => {
      this.dir ??= this.makeDir();
      temp = path.join(await this.dir, `${randomUUID()}.partial`);
      handle = await fs.open(temp, 'wx');
    })();
    const discard = () => {
      broken = true;
      const open = handle;
      handle = null;
      void (async () => {
        await ready.catch(() => undefined);
        await open?.close().catch(() => undefined);
        if (temp) await fs.rm(temp, { force: true });
      })();
    };
    const copy = new Transform({
      transform(chunk: Buffer | string, _encoding, callback) {
        const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
        ready
          .then(async () => {
            if (broken || !handle) return;
            await handle.write(bytes);
            size += bytes.length;
          })
          .catch(discard)
          .finally(() => callback(null, chunk));
      },
      flush: (callback) => {
        void Promise.all([ready.catch(() => undefined), complete]).then(async ([, whole]) => {
          // A producer that failed after ending the stream: cut the response, keep nothing.
          if (!whole) {
            discard();
            callback(new Error('the download was cut short'));
            return;
          }
          try {
            if (!broken && handle) {
              const open = handle;
              handle = null;
              await open.close();
              const dir = await this.dir!;
              const file = path.join(dir, `${createHash('sha256').update(id).digest('hex')}.txt`);
              await fs.rename(temp, file);
              this.keep(id, file, size);
            }
          } catch {
            discard();
          }
          callback();
        });
      },
    });
    source.on('error', (error) => copy.destroy(error));
    // The response destroys `copy` when the client leaves: stop the source, keep nothing.
    copy.on('close', () => {
      if (handle) discard();
      source.destroy();
    });
    return source.pipe(copy);
  }

  private keep(id: string, file: string, size: number): void {
    const old = this.files.get(id);
    if (old) {
      this.files.delete(id);
      this.bytes -= old.size;
    }
    this.files.set(id, { file, size });
    this.bytes += size;
    while (this.bytes > this.maxBytes && this.files.size > 1) {
      const [oldest, entry] = this.files.entries().next().value as [string, { file: string; size: number }];
      this.files.delete(oldest);
      this.bytes -= entry.size;
      // A reader that opened it keeps reading: the data stays until its descriptor closes.
      void fs.rm(entry.file, { force: true }).catch(() => undefined);
    }
  }
}
