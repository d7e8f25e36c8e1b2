export { createKernelPool } from './kernel-pool.js';
export type { KernelPool, KernelPoolOptions } from './kernel-pool.js';
export { sharedFloatArray, isShared } from './shared-arrays.js';
