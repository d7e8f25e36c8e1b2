export type { BaseModel, NamedParameter } from './base-model.js';
export { MlpModel } from './mlp-model.js';
export type { ClassifierBatch, MlpOptions } from './mlp-model.js';
export { extractGradients } from './extract-gradients.js';
export type { ExtractGradientsOptions, ParameterGradient } from './extract-gradients.js';
export { paramMapOfModel } from './param-map-of-model.js';
export { trainClassifier } from './train-classifier.js';
export type { TrainClassifierOptions } from './train-classifier.js';
