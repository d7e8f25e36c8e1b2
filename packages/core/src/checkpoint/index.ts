export { parseCheckpointConfig, CONFIG_FILE } from './checkpoint-config.js';
export type { CheckpointConfig, MappingConfig, MappingEntryConfig } from './checkpoint-config.js';
export { assembleModel } from './assemble-model.js';
export type { CheckpointProblem } from './checkpoint-rules.js';
export type { CheckpointParts } from './assemble-model.js';
export { planCheckpoint } from './checkpoint-plan.js';
export type { CheckpointPlan, SaveOptions } from './checkpoint-plan.js';
export { WEIGHT_NAMES, WEIGHT_FILES, TRAINING_FILE, CONTEXT_FILE } from './state-dict-names.js';
