export { loadCheckpoint, readTensorFile, resolveWeightsDirectory } from './load-checkpoint.js';
export type { LoadedCheckpoint, LoadCheckpointOptions, CheckpointFile } from './load-checkpoint.js';
export type { SavedBytesObserver } from './save-checkpoint.js';
export { saveCheckpoint, writeFileAtomic } from './save-checkpoint.js';
export { readCheckpoint } from './checkpoint-reader.js';
export type { CheckpointHeaders } from './checkpoint-reader.js';
export { pruneStoredCheckpoint } from './prune-stored-checkpoint.js';
export type { StoredPruneResult } from './prune-stored-checkpoint.js';
