import { md5 } from '@noble/hashes/legacy';
import { pythonShapeRepr } from '../tensor/tensor.js';
import type { ParamMapEntry } from './param-map-entry.js';

const CHUNK = 1 << 16;

/**
 * The reference's `param_map_hash`: MD5 over, per parameter in order, the name, Python's
 * `str(tuple(shape))`, the repr name, then the mask as uint8 bytes or the indices as int64 LE.
 */
export function paramMapHash(entries: readonly ParamMapEntry[]): string {
  const h = md5.create();
  const text = new TextEncoder();
  // Indices are non-negative and below 2^53: write each as two little-endian uint32 words.
  const words = new Uint32Array(CHUNK * 2);
  const int64Bytes = new Uint8Array(words.buffer);
  for (const entry of entries) {
    h.update(text.encode(entry.name));
    h.update(text.encode(pythonShapeRepr(entry.shape)));
    h.update(text.encode(entry.repr));
    if (entry.repr === 'mask' && entry.mask) {
      h.update(entry.mask);
    } else if (entry.repr === 'indices' && entry.indices) {
      const idx = entry.indices;
      for (let start = 0; start < idx.length; start += CHUNK) {
        const n = Math.min(CHUNK, idx.length - start);
        for (let i = 0; i < n; i++) {
          const v = idx[start + i] as number;
          words[2 * i] = v % 0x1_0000_0000;
          words[2 * i + 1] = Math.floor(v / 0x1_0000_0000);
        }
        h.update(int64Bytes.subarray(0, n * 8));
      }
    }
  }
  return bytesToHex(h.digest());
}

function bytesToHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}
