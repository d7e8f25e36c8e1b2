export { downsampleImages, selectDigits, digitCount } from './digits-dataset.js';
export type { DigitSet } from './digits-dataset.js';
export { DIGITS_DEMO_RECIPE, DIGITS_BASE_MODEL_ID, DIGITS_GRADIEND_DIR } from './digits-demo-recipe.js';
export { buildSyntheticBertModel, bertParamMap } from './synthetic-bert-model.js';
export type { SyntheticBertOptions } from './synthetic-bert-model.js';
export { bertBaseDims, bertEncoderParams, BERT_BASE_INPUT_DIM } from './bert-shapes.js';
export type { BertDims } from './bert-shapes.js';
