import { readFileSync } from 'node:fs';
import type { SafetensorsBuffer } from '../../safetensors/index.js';
import { readSafetensorsBuffer } from '../../safetensors/index.js';

export function readSafetensorsFile(file: string): SafetensorsBuffer {
  return readSafetensorsBuffer(readFileSync(file));
}

/** The F32 tensor `name` of a safetensors file; the demo files hold nothing else. */
export function f32Tensor(file: SafetensorsBuffer, name: string): Float32Array {
  const t = file.get(name);
  if (!(t.data instanceof Float32Array)) throw new TypeError(`${name} is ${t.dtype}, expected F32`);
  return t.data;
}
