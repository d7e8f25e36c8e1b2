export { ParamMap } from './param-map.js';
export { ParamMapEntry } from './param-map-entry.js';
export { paramMapHash } from './param-map-hash.js';
export { chooseRepr, bytesPerIndex, mappingTensorBytes, INT32_INDEX_LIMIT } from './representation.js';
export { unravelIndex } from './index-decoding.js';
export { PARAM_REPRS } from './types.js';
export type { ParamRepr, IndexArray, ParamSelectionSpec, DecodedIndex } from './types.js';
