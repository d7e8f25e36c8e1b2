import { createHash } from 'node:crypto';

/** JSON with object keys sorted at every level, so equal values give equal text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    const text = JSON.stringify(value);
    if (text === undefined) throw new TypeError(`canonicalJson: ${typeof value} is not JSON`);
    return text;
  }
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v ?? null)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/**
 * The key of what a job computes: `<kind>:<sha256 of the canonical JSON of inputs>`. Put content
 * hashes (file sha256s, param_map_hash) in `inputs`, not names or version numbers that can be
 * reused for other content, plus every argument that changes the result.
 */
export function jobKey(kind: string, inputs: unknown): string {
  return `${kind}:${createHash('sha256').update(canonicalJson(inputs)).digest('hex')}`;
}
