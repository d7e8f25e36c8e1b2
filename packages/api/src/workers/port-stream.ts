import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { Readable } from 'node:stream';

/**
 * A text stream from a task to the main thread over a MessagePort, at most two chunks ahead of the
 * reader: the task sends a chunk only after the reader asked for one (plus one more, so the task
 * formats the next chunk while the socket sends the last), so a slow client holds the task (and
 * its memory budget) instead of piling chunks up in the server.
 *
 * Messages task → reader: `{ chunk: string }`, then `{ end: true }`. Reader → task: `'more'`.
 * Closing the reader's port (client gone) tells the task to stop.
 */
type ToReader = { readonly chunk: string } | { readonly end: true };

/** The task's side: `send` waits until the reader wants a chunk; false once the reader is gone. */
export class PortWriter {
  /**
   * The first chunk goes unasked (the reader is only read once the route saw that chunk), and one
   * more, so formatting and sending overlap.
   */
  private credits = 2;
  private wake: (() => void) | null = null;
  private closed = false;

  constructor(private readonly port: MessagePort) {
    port.on('message', () => {
      this.credits += 1;
      this.wake?.();
    });
    port.on('close', () => {
      this.closed = true;
      this.wake?.();
    });
  }

  async send(chunk: string): Promise<boolean> {
    while (this.credits === 0 && !this.closed) {
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = null;
    }
    if (this.closed) return false;
    this.credits -= 1;
    this.port.postMessage({ chunk } satisfies ToReader);
    return true;
  }

  end(): void {
    if (!this.closed) this.port.postMessage({ end: true } satisfies ToReader);
    this.port.close();
  }
}

/**
 * The main thread's side: `port` goes to the task (transfer it), `stream` yields its chunks. `first`
 * settles when the first chunk (or the end) arrives, so a route can still answer with an error
 * status if the task fails before it produced anything.
 */
export function portStream(): { port: MessagePort; stream: Readable; first: Promise<void> } {
  const { port1, port2 } = new MessageChannel();
  let arrived: () => void = () => undefined;
  const first = new Promise<void>((resolve) => (arrived = resolve));
  const stream = new Readable({
    encoding: 'utf8',
    read() {
      port1.postMessage('more');
    },
    destroy(error, callback) {
      port1.close();
      callback(error);
    },
  });
  port1.on('message', (message: ToReader) => {
    arrived();
    if ('chunk' in message) stream.push(message.chunk);
    else {
      stream.push(null);
      port1.close();
    }
  });
  // ref'd until the end so the process does not exit mid-stream; close() unrefs it.
  return { port: port2, stream, first };
}
