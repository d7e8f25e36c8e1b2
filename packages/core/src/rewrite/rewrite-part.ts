import { RewriteError } from '../errors.js';
import { IMPORTANCE_PARTS } from '../model/importance.js';

/** What is added to the base weights: the decoder's output for a feature factor, or an update vector. */
export const REWRITE_PARTS = ['decoder', ...IMPORTANCE_PARTS] as const;

export type RewritePart = (typeof REWRITE_PARTS)[number];

export function isRewritePart(part: string): part is RewritePart {
  return (REWRITE_PARTS as readonly string[]).includes(part);
}

/** The part as given (case-sensitive like the reference's rewrite), or a ValueError-like RewriteError. */
export function parseRewritePart(part: string | undefined): RewritePart {
  const p = part ?? 'decoder';
  if (isRewritePart(p)) return p;
  throw new RewriteError(`part must be one of ${REWRITE_PARTS.join(', ')}, got '${p}'`, 'ValueError');
}
