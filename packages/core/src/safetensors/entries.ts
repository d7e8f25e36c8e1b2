import { DTYPES, isDType } from '../tensor/dtype.js';
import { numelOf } from '../tensor/tensor.js';
import type { Tensor } from '../tensor/tensor.js';
import { holdsDType } from './tensor-bytes.js';
import { writeError } from './write-error.js';

/** Tensors to write, as name/tensor pairs, a Map or a plain object. */
export type SafetensorsEntries =
  ReadonlyArray<readonly [string, Tensor]> | ReadonlyMap<string, Tensor> | Readonly<Record<string, Tensor>>;

function pairsOf(entries: SafetensorsEntries): Array<readonly [string, Tensor]> {
  if (Array.isArray(entries)) return [...(entries as ReadonlyArray<readonly [string, Tensor]>)];
  if (entries instanceof Map) return [...(entries as ReadonlyMap<string, Tensor>)];
  return Object.entries(entries as Readonly<Record<string, Tensor>>);
}

/** Checks each tensor's data against its dtype and shape. Names are checked by the layout planner. */
export function tensorsToWrite(entries: SafetensorsEntries): Map<string, Tensor> {
  const pairs = pairsOf(entries);
  const byName = new Map<string, Tensor>();
  for (const [name, t] of pairs) {
    if (byName.has(name)) throw writeError('duplicate tensor name', name);
    if (!isDType(t.dtype)) throw writeError(`unknown dtype ${JSON.stringify(t.dtype)}`, name);
    if (!holdsDType(t.dtype, t.data)) {
      throw writeError(`${t.dtype} data must be a ${DTYPES[t.dtype].create(0).constructor.name}`, name);
    }
    const numel = numelOf(t.shape);
    if (t.data.length !== numel) {
      throw writeError(
        `data has ${t.data.length} elements but shape [${t.shape.join(', ')}] needs ${numel}`,
        name,
      );
    }
    byName.set(name, t);
  }
  return byName;
}
