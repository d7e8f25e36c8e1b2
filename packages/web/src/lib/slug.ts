import { MODEL_NAME_PATTERN } from '@gradiend/api/vocabulary';

/** A model name the server accepts, derived from a file or folder name. */
export function slugify(text: string): string {
  const base = text
    .replace(/\.(tar\.gz|tgz|tar|zip)$/i, '')
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .replace(/-+$/, '')
    .slice(0, 100);
  return base || 'model';
}

export const MODEL_NAME_RE = new RegExp(MODEL_NAME_PATTERN);
