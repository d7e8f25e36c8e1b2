import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { readTensorFile } from '../checkpoint/load-checkpoint.js';
import { toFloat64 } from '../tensor/convert.js';
import { CliInputError } from './cli-errors.js';

const INTEGER_DTYPES = new Set(['I64', 'I32', 'I16', 'I8', 'U8']);

/**
 * Input indices to keep, from a `.safetensors` file (its only integer tensor, or the one named
 * `keep_idx`), a `.json` array, or text with one index per line / comma- or space-separated.
 */
export async function readIndexFile(file: string): Promise<Float64Array> {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.safetensors') {
    const tensors = await readTensorFile(file);
    const t = tensors.get('keep_idx') ?? (tensors.size === 1 ? [...tensors.values()][0] : undefined);
    if (!t) {
      throw new CliInputError(
        `${file}: expected a single tensor or one named 'keep_idx', found ${[...tensors.keys()].join(', ')}`,
        file,
      );
    }
    if (!INTEGER_DTYPES.has(t.dtype)) {
      throw new CliInputError(`${file}: keep_idx must be an integer tensor, got ${t.dtype}`, file);
    }
    return toFloat64(t);
  }
  const text = await readFile(file, 'utf8');
  let values: unknown[];
  if (ext === '.json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      throw new CliInputError(`${file}: not valid JSON (${(e as Error).message})`, file);
    }
    if (!Array.isArray(parsed)) throw new CliInputError(`${file}: expected a JSON array of indices`, file);
    values = parsed;
  } else {
    values = text
      .split(/[\s,]+/)
      .filter((s) => s !== '')
      .map(Number);
  }
  const out = new Float64Array(values.length);
  values.forEach((v, i) => {
    if (typeof v !== 'number' || !Number.isSafeInteger(v)) {
      throw new CliInputError(`${file}: entry ${i} is not an integer index (${String(v)})`, file);
    }
    out[i] = v;
  });
  return out;
}
