import type { FloatArray } from '../model/types.js';

const hostIsLittleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * TensorProto.raw_data bytes (little-endian) of a float array. On little-endian hosts this is a
 * view over the array's own memory, so a multi-hundred-megabyte weight matrix is copied only once,
 * by protobufjs into the final message buffer.
 */
export function rawDataOf(data: FloatArray): Uint8Array {
  if (hostIsLittleEndian) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const out = new Uint8Array(data.byteLength);
  const view = new DataView(out.buffer);
  if (data instanceof Float32Array) data.forEach((v, i) => view.setFloat32(i * 4, v, true));
  else data.forEach((v, i) => view.setFloat64(i * 8, v, true));
  return out;
}
