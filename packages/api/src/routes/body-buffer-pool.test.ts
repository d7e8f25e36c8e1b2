import { describe, expect, it } from 'vitest';
import { BodyBufferPool } from './body-buffer-pool.js';

describe('BodyBufferPool', () => {
  it('hands a released buffer of the same size out again, once', () => {
    const pool = new BodyBufferPool(1 << 20, 16);
    const a = pool.acquire(64);
    expect(a.byteOffset).toBe(0);
    pool.release(a);
    pool.release(a);
    expect(pool.acquire(64)).toBe(a);
    expect(pool.acquire(64)).not.toBe(a);
    expect(pool.acquire(32)).not.toBe(a);
  });

  it('keeps neither foreign nor small buffers, nor more than its budget', () => {
    const pool = new BodyBufferPool(100, 16);
    const foreign = Buffer.allocUnsafeSlow(64);
    pool.release(foreign);
    expect(pool.acquire(64)).not.toBe(foreign);
    const small = pool.acquire(8);
    pool.release(small);
    expect(pool.acquire(8)).not.toBe(small);
    const [x, y] = [pool.acquire(64), pool.acquire(64)];
    pool.release(x);
    pool.release(y);
    expect(pool.acquire(64)).toBe(x);
    expect(pool.acquire(64)).not.toBe(y);
  });

  it('allocates in shared memory when asked, and reuses those buffers too', () => {
    const pool = new BodyBufferPool(1 << 20, 16, true);
    const a = pool.acquire(64);
    expect(a.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(a.byteOffset).toBe(0);
    // What a worker gets is the same memory, so the buffer is never detached.
    structuredClone(new Float32Array(a.buffer));
    pool.release(a);
    expect(pool.acquire(64)).toBe(a);
  });

  it('drops a buffer that moved to another thread', () => {
    const pool = new BodyBufferPool(1 << 20, 16);
    const a = pool.acquire(64);
    const moved = a.buffer as ArrayBuffer;
    structuredClone(moved, { transfer: [moved] });
    pool.release(a);
    const b = pool.acquire(64);
    // Not toBe: printing a detached buffer on failure would throw.
    expect(b === a).toBe(false);
    expect(b.length).toBe(64);
    expect(pool.acquire(0) === a).toBe(false);
  });
});
