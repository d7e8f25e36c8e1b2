// @gradiend/core/test-support — test helpers other packages' tests share (source condition only:
// never built, never shipped).
export { MALFORMED_CHECKPOINTS, malformedCopy, rejectionFacts } from './malformed-checkpoints.js';
export type { MalformedCheckpoint } from './malformed-checkpoints.js';
export { asNewerLibraryConfig, withoutEncoderBias } from './newer-library-checkpoints.js';
export { nonFiniteCopy } from './non-finite-checkpoints.js';
export type { NonFiniteEdits } from './non-finite-checkpoints.js';
export { DIGITS_DIR, FIXTURES_DIR, SHARED_DIR, digitsPath, fixturePath } from './fixtures.js';
