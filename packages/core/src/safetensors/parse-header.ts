import { formatError } from './format-error.js';
import { LENGTH_PREFIX_BYTES, METADATA_KEY } from './constants.js';
import { parseTensorEntry } from './header-entry.js';
import { readSafetensorsHeaderLength } from './header-length.js';
import type { SafetensorsHeader, SafetensorsTensorInfo } from './types.js';

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function decodeJson(bytes: Uint8Array): unknown {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw formatError('header-json', 'header is not valid UTF-8');
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw formatError('header-json', `header is not valid JSON: ${reason}`);
  }
}

function parseMetadata(value: unknown): Record<string, string> | null {
  // The reference deserialises `__metadata__` as Option<HashMap<String, String>>, so null means "none".
  if (value === null) return null;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw formatError('metadata', `__metadata__ must be an object of strings, got ${JSON.stringify(value)}`);
  }
  const entries = Object.entries(value);
  for (const [key, v] of entries) {
    if (typeof v !== 'string') {
      throw formatError('metadata', `__metadata__["${key}"] must be a string, got ${JSON.stringify(v)}`);
    }
  }
  // fromEntries defines properties, so a "__proto__" key stays an ordinary key.
  return Object.fromEntries(entries) as Record<string, string>;
}

/** Checks that the tensors, sorted by (begin, end), tile the data section exactly. */
function checkLayout(tensors: readonly SafetensorsTensorInfo[], dataByteLength: number): void {
  const sorted = [...tensors].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let expected = 0;
  for (const t of sorted) {
    if (t.begin !== expected) {
      const problem = t.begin > expected ? 'leaves a hole' : 'overlaps the previous tensor';
      throw formatError(
        'offsets',
        `data_offsets [${t.begin}, ${t.end}] should begin at ${expected}; it ${problem}`,
        t.name,
      );
    }
    expected = t.end;
  }
  if (expected !== dataByteLength) {
    const last = sorted[sorted.length - 1];
    const what =
      last === undefined ? 'the header declares no tensors' : 'the last tensor ends at data byte ' + expected;
    const detail = `${what} but the file holds ${dataByteLength} data bytes after the header`;
    throw formatError('data-coverage', detail, last?.name);
  }
}

/**
 * Parses and validates a safetensors header the way the reference (Rust) reader does.
 * `prefix` must hold at least the first 8 + N bytes of the file; tensor data is never touched.
 */
export function parseSafetensorsHeader(prefix: Uint8Array, fileByteLength: number): SafetensorsHeader {
  const headerByteLength = readSafetensorsHeaderLength(prefix, fileByteLength);
  const dataStart = LENGTH_PREFIX_BYTES + headerByteLength;
  if (prefix.length < dataStart) {
    throw new RangeError(`prefix holds ${prefix.length} bytes but the header needs the first ${dataStart}`);
  }
  const json = decodeJson(prefix.subarray(LENGTH_PREFIX_BYTES, dataStart));
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    const kind = json === null ? 'null' : Array.isArray(json) ? 'an array' : typeof json;
    throw formatError('header-not-object', `header must be a JSON object, got ${kind}`);
  }
  let metadata: Record<string, string> | null = null;
  const tensors: SafetensorsTensorInfo[] = [];
  const byName = new Map<string, SafetensorsTensorInfo>();
  for (const [name, value] of Object.entries(json)) {
    if (name === METADATA_KEY) {
      metadata = parseMetadata(value);
      continue;
    }
    const info = parseTensorEntry(name, value);
    tensors.push(info);
    byName.set(name, info);
  }
  checkLayout(tensors, fileByteLength - dataStart);
  return { headerByteLength, dataStart, fileByteLength, metadata, tensors, byName };
}
