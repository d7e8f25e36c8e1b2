import { JsonNumber, JsonObject, pythonFloatRepr } from './json-value.js';
import type { JsonValue } from './json-value.js';

/**
 * Serialises exactly like Python's `json.dump(obj, f, indent=2)`: ", " / ": " separators, one
 * item per line, `[]`/`{}` for empty containers, ASCII-only output, floats in Python's repr.
 */
export function stringifyPythonJson(value: JsonValue, indent = 2): string {
  const write = (v: JsonValue, level: number): string => {
    if (v === null) return 'null';
    if (v === true) return 'true';
    if (v === false) return 'false';
    if (typeof v === 'string') return pythonString(v);
    if (v instanceof JsonNumber) return pythonNumber(v);
    const pad = ' '.repeat(indent * (level + 1));
    const close = ' '.repeat(indent * level);
    if (Array.isArray(v)) {
      if (v.length === 0) return '[]';
      return `[\n${v.map((x) => pad + write(x, level + 1)).join(',\n')}\n${close}]`;
    }
    if (v instanceof JsonObject) {
      if (v.size === 0) return '{}';
      const items = [...v.entries()].map(([k, x]) => `${pad}${pythonString(k)}: ${write(x, level + 1)}`);
      return `{\n${items.join(',\n')}\n${close}}`;
    }
    throw new TypeError('not a JSON value');
  };
  return write(value, 0);
}

function pythonNumber(n: JsonNumber): string {
  if (n.isInteger) return BigInt(n.text).toString();
  if (n.text === 'NaN' || n.text === 'Infinity' || n.text === '-Infinity') return n.text;
  return pythonFloatRepr(n.value);
}

/** json.dumps string escaping with ensure_ascii=True. */
function pythonString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ch = s[i] as string;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (c < 0x20 || c > 0x7e) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}
