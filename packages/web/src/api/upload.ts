import { apiUrl, encodeSegment } from './http';
import { ApiProblemError, networkProblem, parseProblem } from './problem';
import type { DuplicateVersion, Version } from './contract';

/** What to upload: the files of a checkpoint folder (with paths inside it) or one archive. */
export type UploadSource =
  { kind: 'files'; files: readonly { path: string; file: File }[] } | { kind: 'archive'; file: File };

export interface UploadRequest {
  model: string;
  source: UploadSource;
  description?: string;
  tags?: string;
  /** Store a new version even when an existing one has identical files (the server's `copy=true`). */
  copy?: boolean;
}

/** The upload's answer: a new version, or (`duplicate`) the existing one with identical files. */
export type UploadedVersion = Version & Partial<Pick<DuplicateVersion, 'duplicate'>>;

export interface UploadProgress {
  loaded: number;
  total: number;
}

export function buildUploadForm(request: UploadRequest): FormData {
  const form = new FormData();
  // Text fields first: the server reads the multipart stream in order.
  if (request.description) form.append('description', request.description);
  if (request.tags) form.append('tags', request.tags);
  if (request.source.kind === 'archive') {
    form.append('archive', request.source.file, request.source.file.name);
  } else {
    for (const { path, file } of request.source.files) form.append('files', file, path);
  }
  return form;
}

/**
 * Uploads with XMLHttpRequest because fetch has no upload progress events. Rejects with an
 * ApiProblemError carrying the server's problem+json.
 */
export function uploadVersion(
  request: UploadRequest,
  onProgress: (progress: UploadProgress) => void,
  signal?: AbortSignal,
): Promise<UploadedVersion> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(
      'POST',
      apiUrl(`/models/${encodeSegment(request.model)}/versions`, { copy: request.copy || undefined }),
    );
    xhr.setRequestHeader('accept', 'application/json');
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress({ loaded: event.loaded, total: event.total });
    };
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        try {
          resolve(JSON.parse(xhr.responseText) as UploadedVersion);
        } catch (error) {
          reject(new ApiProblemError(networkProblem(error)));
        }
      } else {
        reject(new ApiProblemError(parseProblem(xhr.status, xhr.statusText, xhr.responseText)));
      }
    };
    xhr.onerror = () => reject(new ApiProblemError(networkProblem(new Error('upload failed'))));
    xhr.onabort = () => reject(new ApiProblemError(networkProblem(new Error('upload cancelled'))));
    signal?.addEventListener('abort', () => xhr.abort());
    xhr.send(buildUploadForm(request));
  });
}
