// API tests find the shared reference material through the core's one locator.
export { DIGITS_DIR, FIXTURES_DIR, SHARED_DIR, digitsPath, fixturePath } from '@gradiend/core/test-support';
