import { TorchCheckpointError } from '../errors.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Bounds-checked little-endian reads over pickle bytes; every overrun is a TorchCheckpointError. */
export class ByteCursor {
  private readonly view: DataView;
  private pos = 0;

  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get offset(): number {
    return this.pos;
  }

  get remaining(): number {
    return this.bytes.length - this.pos;
  }

  private take(length: number, what: string): number {
    if (length > this.remaining) {
      throw new TorchCheckpointError(
        `pickle truncated: ${what} at offset ${this.pos} needs ${length} bytes, ${this.remaining} left`,
      );
    }
    const start = this.pos;
    this.pos += length;
    return start;
  }

  u8(what: string): number {
    return this.view.getUint8(this.take(1, what));
  }

  u16(what: string): number {
    return this.view.getUint16(this.take(2, what), true);
  }

  u32(what: string): number {
    return this.view.getUint32(this.take(4, what), true);
  }

  i32(what: string): number {
    return this.view.getInt32(this.take(4, what), true);
  }

  u64(what: string): bigint {
    return this.view.getBigUint64(this.take(8, what), true);
  }

  /** BINFLOAT is the one big-endian field in the pickle format. */
  f64BigEndian(what: string): number {
    return this.view.getFloat64(this.take(8, what), false);
  }

  bytesOf(length: number, what: string): Uint8Array {
    const start = this.take(length, what);
    return this.bytes.subarray(start, start + length);
  }

  utf8(length: number, what: string): string {
    const raw = this.bytesOf(length, what);
    try {
      return utf8.decode(raw);
    } catch {
      throw new TorchCheckpointError(`pickle ${what} at offset ${this.pos - length} is not valid UTF-8`);
    }
  }

  /** A newline-terminated line (GLOBAL operands), without the newline. */
  line(what: string, maxLength: number): string {
    const start = this.pos;
    const limit = Math.min(this.bytes.length, start + maxLength + 1);
    for (let i = start; i < limit; i++) {
      if (this.bytes[i] === 0x0a) {
        const text = this.utf8(i - start, what);
        this.pos = i + 1;
        return text;
      }
    }
    if (limit === this.bytes.length) {
      throw new TorchCheckpointError(
        `pickle truncated: ${what} at offset ${start} has no terminating newline`,
      );
    }
    throw new TorchCheckpointError(`pickle ${what} at offset ${start} is longer than ${maxLength} bytes`);
  }
}
