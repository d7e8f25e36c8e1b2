// @gradiend/core/node — file I/O on top of the browser-safe entry.
export * from './index.js';
export {
  loadCheckpoint,
  saveCheckpoint,
  readTensorFile,
  resolveWeightsDirectory,
  writeFileAtomic,
  readCheckpoint,
  pruneStoredCheckpoint,
} from './checkpoint/node.js';
export type {
  LoadedCheckpoint,
  LoadCheckpointOptions,
  CheckpointFile,
  CheckpointHeaders,
  SavedBytesObserver,
  StoredPruneResult,
} from './checkpoint/node.js';
export { SafetensorsFile, readSafetensorsHeaderFromFile, writeSafetensorsFile } from './safetensors/node.js';
export type { SafetensorsFileOptions, ReadIntoOptions, WriteSafetensorsOptions } from './safetensors/node.js';
export { readTorchStateDict, readTorchStateDictFromBuffer } from './torch-zip/index.js';
export { inspectCheckpoint, type CheckpointInspection } from './checkpoint/inspect-checkpoint.js';
export {
  nonFiniteTensors,
  nonFiniteWeights,
  scanNonFiniteWeights,
  type NonFiniteTensor,
} from './checkpoint/non-finite-weights.js';
export {
  readGradientSampleFolder,
  directionFromClasses,
  SAMPLE_INDEX_FILE,
} from './training/gradient-sample-folder.js';
export type { GradientSampleFolder, SampleIndexEntry } from './training/gradient-sample-folder.js';
export {
  buildDigitsDemo,
  DIGITS_DEMO_FILES,
  ensureBuiltInDemos,
  DEMO_BUILD_VERSION,
  BERT_EXAMPLE_RECIPE,
  loadMnistPackageDigits,
  mnistPackageInfo,
  MNIST_PACKAGE,
} from './demo/node.js';
export type { DemoLog, DigitsDemoSummary, BuiltInDemo } from './demo/node.js';
export * from './rewrite/index.js';
// The kernel pool: worker threads for encode / forward / importance at full input size, started
// once (createKernelPool), used by passing `pool.kernels` as the `kernels` option of GradiendModel's
// encodeRows, forward, decode and importance. Same bits as the single-thread path for any thread
// count. sharedFloatArray allocates inputs and `into` outputs the workers use without a copy.
export { createKernelPool, sharedFloatArray, isShared } from './kernel-pool/index.js';
export type { KernelPool, KernelPoolOptions } from './kernel-pool/index.js';
