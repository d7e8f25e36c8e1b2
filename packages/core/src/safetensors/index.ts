// Browser-safe safetensors API: no node: imports anywhere below this file.
export { LENGTH_PREFIX_BYTES, MAX_HEADER_BYTES } from './constants.js';
export { readSafetensorsHeaderLength } from './header-length.js';
export { parseSafetensorsHeader } from './parse-header.js';
export type { SafetensorsHeader, SafetensorsTensorInfo } from './types.js';
export { summarizeSafetensors } from './summary.js';
export type { DTypeTotals, SafetensorsSummary } from './summary.js';
export { readSafetensorsBuffer } from './read-buffer.js';
export type { SafetensorsBuffer } from './read-buffer.js';
export { planSafetensorsLayout } from './layout.js';
export type { SafetensorsLayout, SafetensorsLayoutEntry, SafetensorsLayoutSlot } from './layout.js';
export { compareUtf8 } from './layout-order.js';
export { serializeSafetensors } from './serialize.js';
export type { SafetensorsEntries } from './entries.js';
export { assertLittleEndianHost } from './host-endianness.js';
