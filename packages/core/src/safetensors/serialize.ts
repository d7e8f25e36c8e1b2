import type { Tensor } from '../tensor/tensor.js';
import { tensorsToWrite } from './entries.js';
import type { SafetensorsEntries } from './entries.js';
import { assertLittleEndianHost } from './host-endianness.js';
import { planSafetensorsLayout } from './layout.js';
import type { SafetensorsLayout } from './layout.js';
import { bytesOf } from './tensor-bytes.js';

/** Plans the layout of tensors that already hold their data. */
export function planTensorsLayout(
  tensors: ReadonlyMap<string, Tensor>,
  metadata?: Readonly<Record<string, string>> | null,
): SafetensorsLayout {
  const entries = [...tensors].map(([name, t]) => ({ name, dtype: t.dtype, shape: t.shape }));
  return planSafetensorsLayout(entries, metadata);
}

/**
 * Serialises tensors to one buffer, byte-identical to Python `safetensors.torch.save_file`.
 * Meant for small files; see writeSafetensorsFile (node) or planSafetensorsLayout for large ones.
 */
export function serializeSafetensors(
  entries: SafetensorsEntries,
  metadata?: Readonly<Record<string, string>> | null,
): Uint8Array {
  assertLittleEndianHost();
  const tensors = tensorsToWrite(entries);
  const layout = planTensorsLayout(tensors, metadata);
  const out = new Uint8Array(layout.totalBytes);
  out.set(layout.headerBytes, 0);
  for (const slot of layout.order) {
    const t = tensors.get(slot.name);
    if (t === undefined) throw new Error(`layout lists '${slot.name}', which was not given`);
    out.set(bytesOf(t.data), layout.dataStart + slot.begin);
  }
  return out;
}
