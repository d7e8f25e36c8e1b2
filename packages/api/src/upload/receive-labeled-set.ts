import path from 'node:path';
import type { FastifyRequest } from 'fastify';
import { ApiError } from '../errors/api-error.js';
import type { StagedFile } from '../registry/registry-service.js';
import { MAX_DESCRIPTION_LENGTH, MAX_FILE_NAME_LENGTH } from '../schemas/vocabulary.js';
import { openMultipart } from './multipart-session.js';
import { checkSafetensorsFile } from './safetensors-header-limit.js';
import { isIgnoredPath, splitUploadPath } from './safe-path.js';

/** A labeled set's upload: its form fields, the manifest and the gradient files, staged in workDir. */
export interface ReceivedLabeledSet {
  readonly name: string | undefined;
  readonly version: string | undefined;
  readonly description: string | undefined;
  readonly manifest: StagedFile & { readonly format: 'json' | 'csv' };
  /** Under the name the manifest's `file` column uses (the path as sent, a shared top folder dropped). */
  readonly gradients: readonly StagedFile[];
  readonly bytes: number;
}

const FIELDS = ['name', 'version', 'description'] as const;

/**
 * Streams a labeled-set upload (fields `name`, `version`, `description`; one `manifest` file, .json
 * or .csv; repeatable `gradients` .safetensors files) into `workDir`, hashing as it arrives. The
 * caller removes `workDir` afterwards in every case.
 */
export async function receiveLabeledSet(
  request: FastifyRequest,
  options: { readonly workDir: string; readonly maxBytes: number; readonly maxFiles: number },
): Promise<ReceivedLabeledSet> {
  const session = openMultipart(request, options.maxBytes);
  const fields: Partial<Record<(typeof FIELDS)[number], string>> = {};
  let manifest: ReceivedLabeledSet['manifest'] | null = null;
  const gradients: { segments: string[]; file: StagedFile }[] = [];
  const seen = new Set<string>();
  for await (const part of request.parts()) {
    if (part.type === 'field') {
      const value = typeof part.value === 'string' ? part.value : String(part.value);
      const name = part.fieldname as (typeof FIELDS)[number];
      if (!FIELDS.includes(name) || fields[name] !== undefined)
        throw new ApiError(
          'GRADIEND_ERR_UPLOAD_FIELD',
          `unexpected or repeated form field ${part.fieldname}`,
        );
      if (part.valueTruncated || value.length > MAX_DESCRIPTION_LENGTH)
        throw new ApiError(
          'GRADIEND_ERR_REQUEST_VALIDATION',
          `${part.fieldname} is longer than ${MAX_DESCRIPTION_LENGTH} characters`,
        );
      fields[name] = value;
      continue;
    }
    if (part.fieldname === 'manifest') {
      if (manifest !== null) throw new ApiError('GRADIEND_ERR_UPLOAD_FIELD', 'only one manifest per set');
      const lower = part.filename.toLowerCase();
      const format = lower.endsWith('.json') ? 'json' : lower.endsWith('.csv') ? 'csv' : null;
      if (format === null)
        throw new ApiError(
          'GRADIEND_ERR_UPLOAD_UNEXPECTED_FILE',
          `the manifest must be a .json or .csv file, got ${JSON.stringify(part.filename)}`,
        );
      const target = path.join(options.workDir, `manifest.${format}`);
      const info = await session.write(part.file, target);
      manifest = { name: `manifest.${format}`, path: target, format, ...info };
      continue;
    }
    if (part.fieldname !== 'gradients') {
      part.file.resume();
      throw new ApiError(
        'GRADIEND_ERR_UPLOAD_FIELD',
        `unexpected file field ${part.fieldname} (use manifest and gradients)`,
      );
    }
    const segments = splitUploadPath(part.filename);
    const key = segments.join('/');
    if (seen.has(key))
      throw new ApiError('GRADIEND_ERR_UPLOAD_DUPLICATE', `${key} appears more than once in the upload`, {
        file: key,
      });
    seen.add(key);
    if (isIgnoredPath(segments)) {
      part.file.resume();
      continue;
    }
    if (!key.endsWith('.safetensors'))
      throw new ApiError('GRADIEND_ERR_UPLOAD_UNEXPECTED_FILE', `${key}: gradients are .safetensors files`, {
        file: key,
      });
    if (gradients.length + 1 > options.maxFiles)
      throw new ApiError(
        'GRADIEND_ERR_UPLOAD_TOO_MANY_FILES',
        `more than ${options.maxFiles} gradient files in one set`,
      );
    const target = path.join(options.workDir, `gradient-${gradients.length}.safetensors`);
    const info = await session.write(part.file, target);
    await checkSafetensorsFile(target, key);
    gradients.push({ segments, file: { name: key, path: target, ...info } });
  }
  session.checkEnd();
  if (manifest === null)
    throw new ApiError('GRADIEND_ERR_UPLOAD_EMPTY', 'a labeled set needs a manifest file (field "manifest")');
  if (gradients.length === 0)
    throw new ApiError('GRADIEND_ERR_UPLOAD_EMPTY', 'a labeled set needs gradient files (field "gradients")');
  // A folder sent as a whole: its top directory is not part of the manifest's names.
  const first = gradients[0]?.segments[0];
  const shared =
    gradients.length > 1 && gradients.every((g) => g.segments.length >= 2 && g.segments[0] === first) ? 1 : 0;
  const named = gradients.map((g) => {
    const name = g.segments.slice(shared).join('/');
    if (name.length > MAX_FILE_NAME_LENGTH)
      throw new ApiError(
        'GRADIEND_ERR_UPLOAD_PATH',
        `${name}: longer than ${MAX_FILE_NAME_LENGTH} characters`,
      );
    return { ...g.file, name };
  });
  return {
    name: fields.name,
    version: fields.version,
    description: fields.description,
    manifest,
    gradients: named,
    bytes: session.budget.total,
  };
}
