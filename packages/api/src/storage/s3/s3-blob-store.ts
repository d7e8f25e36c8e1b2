import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import { Readable } from 'node:stream';
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { putThroughTempFile } from '../write-hashed-file.js';
import { isSha256, type BlobInfo, type BlobStore, type ByteRange, type StoredBlob } from '../blob-store.js';
import { LocalBlobCache } from './local-blob-cache.js';

const KEY_PREFIX = 'blobs/sha256/';
const PART_SIZE = 16 * 1024 * 1024;

function assertKey(sha256: string): void {
  if (!isSha256(sha256)) throw new TypeError(`blob key must be 64 lowercase hex characters, got ${sha256}`);
}

function isNotFound(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const status = (error as Error & { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return status === 404 || error.name === 'NotFound' || error.name === 'NoSuchKey';
}

export interface S3BlobStoreOptions {
  readonly client: S3Client;
  readonly bucket: string;
  /** Local directory for this instance's blob cache (same filesystem as `tmpDir`). */
  readonly cacheDir: string;
  /** Local scratch space for `put` (which must hash before it knows the key). */
  readonly tmpDir: string;
}

/**
 * Blobs as S3 objects `blobs/sha256/<aa>/<sha256>`. Uploads are multipart and streamed from disk
 * (lib-storage), so an object appears only once complete. Reads are (ranged) GETs; `materialize`
 * goes through a per-instance local cache keyed by content hash.
 */
export class S3BlobStore implements BlobStore {
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly tmpDir: string;
  readonly cache: LocalBlobCache;

  constructor(options: S3BlobStoreOptions) {
    this.client = options.client;
    this.bucket = options.bucket;
    this.tmpDir = options.tmpDir;
    this.cache = new LocalBlobCache(options.cacheDir);
  }

  async init(): Promise<void> {
    await fs.mkdir(this.tmpDir, { recursive: true });
    await fs.mkdir(this.cache.root, { recursive: true });
  }

  keyOf(sha256: string): string {
    assertKey(sha256);
    return `${KEY_PREFIX}${sha256.slice(0, 2)}/${sha256}`;
  }

  /** Round trip to the bucket, for readiness checks. */
  async ping(): Promise<void> {
    await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
  }

  async put(source: Readable, expected?: BlobInfo): Promise<BlobInfo> {
    return putThroughTempFile(source, this.tmpDir, expected, (file, info) => this.putFile(file, info));
  }

  async putFile(filePath: string, info: BlobInfo): Promise<BlobInfo> {
    const key = this.keyOf(info.sha256);
    if (await this.has(info.sha256)) {
      // Refresh LastModified: the orphan sweep's grace period then protects this blob until the
      // version that re-uses it has committed, even if another instance just unreferenced it.
      await this.client.send(
        new CopyObjectCommand({
          Bucket: this.bucket,
          Key: key,
          CopySource: `${this.bucket}/${key}`,
          MetadataDirective: 'REPLACE',
          Metadata: { sha256: info.sha256, touched: new Date().toISOString() },
        }),
      );
    } else {
      const upload = new Upload({
        client: this.client,
        params: {
          Bucket: this.bucket,
          Key: key,
          Body: createReadStream(filePath),
          ContentLength: info.size,
          ContentType: 'application/octet-stream',
          Metadata: { sha256: info.sha256 },
        },
        partSize: PART_SIZE,
        queueSize: 4,
        leavePartsOnError: false,
      });
      await upload.done();
    }
    await this.cache.adopt(info.sha256, filePath);
    return info;
  }

  async has(sha256: string): Promise<boolean> {
    return (await this.stat(sha256)) !== null;
  }

  async stat(sha256: string): Promise<StoredBlob | null> {
    try {
      const head = await this.client.send(
        new HeadObjectCommand({ Bucket: this.bucket, Key: this.keyOf(sha256) }),
      );
      return { sha256, size: head.ContentLength ?? 0, modifiedAt: head.LastModified ?? new Date(0) };
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  async createReadStream(sha256: string, range?: ByteRange): Promise<Readable> {
    const out = await this.client.send(
      new GetObjectCommand({
        Bucket: this.bucket,
        Key: this.keyOf(sha256),
        ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}),
      }),
    );
    if (!(out.Body instanceof Readable)) throw new Error(`S3 returned no body for blob ${sha256}`);
    return out.Body;
  }

  async read(sha256: string, range?: ByteRange): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of await this.createReadStream(sha256, range)) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  async materialize(sha256: string, target: string): Promise<void> {
    const local = await this.cache.ensure(sha256, () => this.createReadStream(sha256));
    try {
      await fs.link(local, target);
    } catch {
      await fs.copyFile(local, target);
    }
  }

  async delete(sha256: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.keyOf(sha256) }));
    await this.cache.remove(sha256);
  }

  async close(): Promise<void> {
    this.client.destroy();
  }

  async *list(): AsyncIterable<BlobInfo> {
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: KEY_PREFIX, ContinuationToken: token }),
      );
      for (const item of page.Contents ?? []) {
        const sha256 = item.Key?.slice(item.Key.lastIndexOf('/') + 1) ?? '';
        if (isSha256(sha256)) yield { sha256, size: item.Size ?? 0 };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }
}
