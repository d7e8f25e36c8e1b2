// Node-only safetensors file I/O (positioned reads, atomic streamed writes).
export { SafetensorsFile } from './file-reader.js';
export type { ReadAllOptions, ReadIntoOptions, SafetensorsFileOptions } from './file-reader.js';
export { readSafetensorsHeaderFromFile } from './read-header-file.js';
export { writeSafetensorsFile } from './file-writer.js';
export type { WriteSafetensorsOptions } from './file-writer.js';
export { MAX_IO_CHUNK_BYTES } from './chunked-io.js';
