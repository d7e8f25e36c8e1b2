export { readTopk, topkUpperBound, topkToQuery, TOPK_FORMS_HINT } from './topk-input.js';
export type { TopkRequest, TopkReading } from './topk-input.js';
