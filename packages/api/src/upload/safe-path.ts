import { ApiError } from '../errors/api-error.js';
import {
  CHECKPOINT_FILE_EXTENSIONS,
  CHECKPOINT_FILE_PATTERN,
  MAX_FILE_NAME_LENGTH,
} from '../schemas/vocabulary.js';

/** Longest path of an upload part or archive entry, folders included (the file name has its own limit). */
const MAX_PATH_LENGTH = 1024;
const EXPECTED_FILE = new RegExp(CHECKPOINT_FILE_PATTERN);
const EXPECTED_LIST = CHECKPOINT_FILE_EXTENSIONS.map((e) => `*.${e}`).join(', ');
/** Junk that archivers add; skipped rather than rejected. */
const IGNORED_SEGMENT = /^(__MACOSX|\.DS_Store|Thumbs\.db)$/;

/**
 * Splits an upload or archive entry path into safe segments. Rejects absolute paths, drive letters,
 * backslashes, NUL and `..`; `.` and empty segments are dropped.
 */
export function splitUploadPath(raw: string): string[] {
  if (raw.length === 0) throw new ApiError('GRADIEND_ERR_UPLOAD_PATH', 'empty file name');
  if (raw.length > MAX_PATH_LENGTH) {
    throw new ApiError('GRADIEND_ERR_UPLOAD_PATH', `file name longer than ${MAX_PATH_LENGTH} characters`);
  }
  if (raw.includes('\0')) throw new ApiError('GRADIEND_ERR_UPLOAD_PATH', 'file name contains a NUL byte');
  if (raw.includes('\\')) {
    throw new ApiError('GRADIEND_ERR_UPLOAD_PATH', `file name ${JSON.stringify(raw)} contains a backslash`, {
      file: raw,
    });
  }
  if (raw.startsWith('/') || /^[A-Za-z]:/.test(raw)) {
    throw new ApiError('GRADIEND_ERR_UPLOAD_PATH', `absolute path ${JSON.stringify(raw)} is not allowed`, {
      file: raw,
    });
  }
  const segments = raw.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.includes('..')) {
    throw new ApiError('GRADIEND_ERR_UPLOAD_PATH', `path ${JSON.stringify(raw)} escapes the folder with ..`, {
      file: raw,
    });
  }
  if (segments.length === 0)
    throw new ApiError('GRADIEND_ERR_UPLOAD_PATH', `path ${JSON.stringify(raw)} names no file`);
  return segments;
}

export function isIgnoredPath(segments: readonly string[]): boolean {
  return segments.some((s) => IGNORED_SEGMENT.test(s));
}

export interface NamedEntry {
  readonly segments: readonly string[];
}

/**
 * Turns the entries' paths into flat checkpoint file names: a folder prefix shared by every entry
 * (the uploaded folder or the archive's top directory) is dropped; anything still nested, repeated
 * or not a checkpoint file is rejected.
 */
export function checkpointFileNames(entries: readonly NamedEntry[]): string[] {
  const first = entries[0]?.segments[0];
  const shared =
    first !== undefined && entries.every((e) => e.segments.length >= 2 && e.segments[0] === first) ? 1 : 0;
  const seen = new Set<string>();
  return entries.map((e) => {
    const rest = e.segments.slice(shared);
    const joined = e.segments.join('/');
    if (rest.length !== 1) {
      throw new ApiError(
        'GRADIEND_ERR_UPLOAD_PATH',
        `${joined}: a checkpoint is one flat folder; nested directories are not allowed`,
        { file: joined },
      );
    }
    const name = rest[0] ?? '';
    if (name.length > MAX_FILE_NAME_LENGTH) {
      throw new ApiError(
        'GRADIEND_ERR_UPLOAD_PATH',
        `${joined}: file name longer than ${MAX_FILE_NAME_LENGTH} characters`,
        { file: joined },
      );
    }
    if (!EXPECTED_FILE.test(name)) {
      throw new ApiError(
        'GRADIEND_ERR_UPLOAD_UNEXPECTED_FILE',
        `${joined} is not a checkpoint file (expected ${EXPECTED_LIST})`,
        { file: joined },
      );
    }
    if (seen.has(name)) {
      throw new ApiError('GRADIEND_ERR_UPLOAD_DUPLICATE', `${name} appears more than once in the upload`, {
        file: name,
      });
    }
    seen.add(name);
    return name;
  });
}
