// @gradiend/core/node — file I/O on top of the browser-safe entry.
export * from './index.js';
export {
  loadCheckpoint,
  saveCheckpoint,
  readTensorFile,
  resolveWeightsDirectory,
  writeFileAtomic,
} from './checkpoint/node.js';
export type { LoadedCheckpoint, CheckpointFile } from './checkpoint/node.js';
export { SafetensorsFile, readSafetensorsHeaderFromFile, writeSafetensorsFile } from './safetensors/node.js';
export type { SafetensorsFileOptions, ReadIntoOptions, WriteSafetensorsOptions } from './safetensors/node.js';
export { readTorchStateDict, readTorchStateDictFromBuffer } from './torch-zip/index.js';
export { inspectCheckpoint, type CheckpointInspection } from './checkpoint/inspect-checkpoint.js';
