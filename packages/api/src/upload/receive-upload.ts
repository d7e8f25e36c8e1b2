import fs from 'node:fs/promises';
import path from 'node:path';
import type { FastifyRequest } from 'fastify';
import type {} from '@fastify/multipart';
import { ApiError } from '../errors/api-error.js';
import { MAX_DESCRIPTION_LENGTH, MAX_TAGS, TAG_PATTERN } from '../schemas/vocabulary.js';
import type { StagedFile } from '../registry/registry-service.js';
import { extractArchive } from './extract-archive.js';
import { checkSafetensorsFile } from './safetensors-header-limit.js';
import { EXTRACT_LIMITS, extractionCap, type SharedByteBudget } from './extraction-budget.js';
import { ByteBudget } from './hashed-write.js';
import { openMultipart } from './multipart-session.js';
import { checkpointFileNames, isIgnoredPath, splitUploadPath } from './safe-path.js';

export interface ReceivedUpload {
  /** The checkpoint folder, files under their final names. */
  readonly dir: string;
  readonly files: StagedFile[];
  readonly description: string | undefined;
  readonly tags: string[] | undefined;
  readonly source: 'files' | 'archive';
  readonly bytes: number;
}

export interface ReceiveOptions {
  /** A fresh, empty directory owned by this upload. */
  readonly workDir: string;
  readonly maxBytes: number;
  readonly maxFiles: number;
  /** Shared by every upload's archive extraction (disk held at once). */
  readonly extraction: SharedByteBudget;
}

interface Scratch {
  readonly segments: readonly string[];
  readonly tempPath: string;
  readonly sha256: string;
  readonly size: number;
}

const TAG_RE = new RegExp(TAG_PATTERN);

export function parseTags(raw: string): string[] {
  const tags = raw
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t.length > 0);
  for (const tag of tags) {
    if (!TAG_RE.test(tag)) {
      throw new ApiError('GRADIEND_ERR_REQUEST_VALIDATION', `invalid tag ${JSON.stringify(tag)}`);
    }
  }
  const unique = [...new Set(tags)];
  if (unique.length > MAX_TAGS) {
    throw new ApiError('GRADIEND_ERR_REQUEST_VALIDATION', `at most ${MAX_TAGS} tags, got ${unique.length}`);
  }
  return unique;
}

/**
 * Streams a multipart upload (repeatable `files` or one `archive`, plus `description` and `tags`)
 * into `workDir`, hashing each file as it arrives, and lays the files out as a flat checkpoint
 * folder at `<workDir>/checkpoint`. The caller removes `workDir` afterwards in every case.
 */
export async function receiveUpload(
  request: FastifyRequest,
  options: ReceiveOptions,
): Promise<ReceivedUpload> {
  const session = openMultipart(request, options.maxBytes);
  const { budget } = session;
  const scratch: Scratch[] = [];
  const seen = new Set<string>();
  let archivePath: string | null = null;
  let description: string | undefined;
  let tags: string[] | undefined;

  for await (const part of request.parts()) {
    if (part.type === 'field') {
      const value = typeof part.value === 'string' ? part.value : String(part.value);
      // The same rule as PATCH, and never a silent cut at the multipart field limit.
      if (
        part.valueTruncated ||
        (part.fieldname === 'description' && value.length > MAX_DESCRIPTION_LENGTH)
      ) {
        throw new ApiError(
          'GRADIEND_ERR_REQUEST_VALIDATION',
          `${part.fieldname} is longer than ${MAX_DESCRIPTION_LENGTH} characters`,
        );
      }
      if (part.fieldname === 'description' && description === undefined) description = value;
      else if (part.fieldname === 'tags' && tags === undefined) tags = parseTags(value);
      else throw new ApiError('GRADIEND_ERR_UPLOAD_FIELD', `unexpected form field ${part.fieldname}`);
      continue;
    }
    if (part.fieldname === 'archive') {
      if (archivePath !== null)
        throw new ApiError('GRADIEND_ERR_UPLOAD_FIELD', 'only one archive per upload');
      if (scratch.length > 0) {
        throw new ApiError('GRADIEND_ERR_UPLOAD_MIXED', 'send either files or one archive, not both');
      }
      archivePath = path.join(options.workDir, 'upload.archive');
      await session.write(part.file, archivePath);
      continue;
    }
    if (part.fieldname !== 'files') {
      part.file.resume();
      throw new ApiError(
        'GRADIEND_ERR_UPLOAD_FIELD',
        `unexpected file field ${part.fieldname} (use files or archive)`,
      );
    }
    if (archivePath !== null) {
      throw new ApiError('GRADIEND_ERR_UPLOAD_MIXED', 'send either files or one archive, not both');
    }
    const segments = splitUploadPath(part.filename);
    const key = segments.join('/');
    if (seen.has(key)) {
      throw new ApiError('GRADIEND_ERR_UPLOAD_DUPLICATE', `${key} appears more than once in the upload`, {
        file: key,
      });
    }
    seen.add(key);
    if (isIgnoredPath(segments)) {
      part.file.resume();
      continue;
    }
    if (scratch.length + 1 > options.maxFiles) {
      throw new ApiError(
        'GRADIEND_ERR_UPLOAD_TOO_MANY_FILES',
        `more than ${options.maxFiles} files in one upload`,
      );
    }
    const tempPath = path.join(options.workDir, `part-${scratch.length}`);
    const info = await session.write(part.file, tempPath);
    scratch.push({ ...info, segments, tempPath });
  }
  session.checkEnd();

  if (archivePath !== null) {
    const extractDir = path.join(options.workDir, 'extracted');
    await fs.mkdir(extractDir);
    // The extracted size counts against a fresh budget (compressed bytes were already counted),
    // capped by the archive's own size so a small bomb cannot fill the disk, and against the
    // budget all extractions in flight share.
    const archiveBytes = (await fs.stat(archivePath)).size;
    const cap = extractionCap(archiveBytes, options.maxBytes);
    const lease = options.extraction.lease();
    try {
      const entries = await extractArchive(archivePath, {
        scratchDir: extractDir,
        maxFiles: options.maxFiles,
        budget: new ByteBudget(
          cap,
          cap < options.maxBytes
            ? `the ${archiveBytes}-byte archive expands past ${cap} bytes (${EXTRACT_LIMITS.ratio}× its size + ${EXTRACT_LIMITS.slackBytes}); is it a checkpoint?`
            : `the archive expands past the upload limit of ${cap} bytes`,
          lease,
        ),
      });
      await fs.rm(archivePath, { force: true });
      scratch.push(...entries);
    } finally {
      // The extracted files are moved into the checkpoint and ingested (or removed) by the caller.
      lease.release();
    }
  }
  if (scratch.length === 0) {
    throw new ApiError(
      'GRADIEND_ERR_UPLOAD_EMPTY',
      'the upload holds no files: send fields "files" or one "archive"',
    );
  }
  const names = checkpointFileNames(scratch);
  const dir = path.join(options.workDir, 'checkpoint');
  await fs.mkdir(dir);
  const files: StagedFile[] = [];
  for (const [i, entry] of scratch.entries()) {
    const name = names[i] ?? '';
    const target = path.join(dir, name);
    await fs.rename(entry.tempPath, target);
    if (name.endsWith('.safetensors')) await checkSafetensorsFile(target, name);
    files.push({ name, sha256: entry.sha256, size: entry.size, path: target });
  }
  return {
    dir,
    files,
    description,
    tags,
    source: archivePath !== null ? 'archive' : 'files',
    bytes: budget.total,
  };
}
