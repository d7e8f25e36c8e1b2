/**
 * Reuses raw request-body buffers by exact size: the encode bodies of one model all have the same
 * length, and allocating megabytes per request mostly feeds the garbage collector. Only buffers
 * this pool allocated are taken back, each at most once until it is handed out again.
 */
export class BodyBufferPool {
  private readonly free = new Map<number, Buffer[]>();
  private readonly owned = new WeakSet<Buffer>();
  private readonly idle = new WeakSet<Buffer>();
  private idleBytes = 0;

  constructor(
    private readonly maxIdleBytes: number,
    private readonly minPooledBytes = 64 * 1024,
    /**
     * Allocate in shared memory: a worker thread then reads a body where it is (nothing moves, so
     * nothing detaches), and the buffer comes back to the pool like any other.
     */
    private readonly shared = false,
  ) {}

  /** A buffer of exactly `size` bytes, not zeroed; byteOffset 0, so Float32Array can view it. */
  acquire(size: number): Buffer {
    const reused = this.free.get(size)?.pop();
    if (reused) {
      this.idle.delete(reused);
      this.idleBytes -= size;
      return reused;
    }
    const buffer = this.shared ? Buffer.from(new SharedArrayBuffer(size)) : Buffer.allocUnsafeSlow(size);
    if (size >= this.minPooledBytes) this.owned.add(buffer);
    return buffer;
  }

  /** Gives a buffer back once nothing reads it any more; one moved to a worker is dropped. */
  release(buffer: Buffer): void {
    if (!this.owned.has(buffer) || this.idle.has(buffer)) return;
    if (buffer.buffer.byteLength === 0) {
      this.owned.delete(buffer);
      return;
    }
    if (this.idleBytes + buffer.length > this.maxIdleBytes) return;
    const list = this.free.get(buffer.length);
    if (list) list.push(buffer);
    else this.free.set(buffer.length, [buffer]);
    this.idle.add(buffer);
    this.idleBytes += buffer.length;
  }
}
