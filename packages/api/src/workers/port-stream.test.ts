import { describe, expect, it } from 'vitest';
import { PortWriter, portStream } from './port-stream.js';

describe('portStream', () => {
  it('delivers every chunk in order, sending the next only when the reader wants it', async () => {
    const { port, stream, first } = portStream();
    const writer = new PortWriter(port);
    let sent = 0;
    const producing = (async () => {
      for (let i = 0; i < 50; i++) {
        // Chunks larger than the stream's 16 KiB buffer, like the ~1 MB chunks of a download.
        expect(await writer.send(`${i};`.padEnd(20_000, '.'))).toBe(true);
        sent += 1;
      }
      writer.end();
    })();
    await first;
    await new Promise((r) => setTimeout(r, 20));
    // Nobody reads yet: the writer waits after the first chunk or two instead of sending all 50.
    expect(sent).toBeLessThanOrEqual(3);
    let text = '';
    for await (const chunk of stream) text += chunk as string;
    await producing;
    expect(text).toBe(Array.from({ length: 50 }, (_, i) => `${i};`.padEnd(20_000, '.')).join(''));
  });

  it('tells the writer to stop once the reader is destroyed (client gone)', async () => {
    const { port, stream, first } = portStream();
    const writer = new PortWriter(port);
    const results: boolean[] = [];
    const producing = (async () => {
      for (let i = 0; i < 1000; i++) {
        const ok = await writer.send('x'.repeat(1000));
        results.push(ok);
        if (!ok) break;
      }
      writer.end();
    })();
    await first;
    stream.destroy();
    await producing;
    expect(results.at(-1)).toBe(false);
    expect(results.length).toBeLessThan(10);
  });
});
