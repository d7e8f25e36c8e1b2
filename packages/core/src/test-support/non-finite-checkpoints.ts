// Copies of reference checkpoints with NaN or ±Inf written into chosen weights, in the weights' own
// dtype (F32, F64, F16 or BF16), for the tests of the non-finite weight scan on every path.
import { chmod, cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { readSafetensorsBuffer, serializeSafetensors } from '../safetensors/index.js';
import { floatToBf16, floatToHalf } from '../tensor/half.js';
import type { Tensor } from '../tensor/tensor.js';
import { FIXTURES_DIR } from './fixtures.js';

/** Flat element index → the value written there, per weight tensor name. */
export type NonFiniteEdits = Readonly<Record<string, ReadonlyArray<readonly [number, number]>>>;

function writeValue(t: Tensor, index: number, value: number): void {
  if (index >= t.data.length) throw new Error(`index ${index} is outside a tensor of ${t.data.length}`);
  const data = t.data as unknown as { [i: number]: number };
  if (t.dtype === 'F32' || t.dtype === 'F64') data[index] = value;
  else if (t.dtype === 'F16') data[index] = floatToHalf(value);
  else if (t.dtype === 'BF16') data[index] = floatToBf16(value);
  else throw new Error(`not a float tensor: ${t.dtype}`);
}

/** A copy of `<fixture>/model` under `parent` whose model.safetensors carries `edits`. */
export async function nonFiniteCopy(fixture: string, parent: string, edits: NonFiniteEdits): Promise<string> {
  const dir = await mkdtemp(path.join(parent, 'non-finite-'));
  await cp(path.join(FIXTURES_DIR, fixture, 'model'), dir, { recursive: true });
  const file = path.join(dir, 'model.safetensors');
  // The shared fixtures are read-only and cp keeps their mode.
  await chmod(file, 0o644);
  const tensors = new Map(readSafetensorsBuffer(new Uint8Array(await readFile(file))).tensors());
  for (const [name, values] of Object.entries(edits)) {
    const t = tensors.get(name);
    if (!t) throw new Error(`${fixture} has no tensor ${name}`);
    for (const [index, value] of values) writeValue(t, index, value);
  }
  await writeFile(file, serializeSafetensors(tensors));
  return dir;
}
