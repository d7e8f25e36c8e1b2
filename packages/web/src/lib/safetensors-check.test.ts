import { describe, expect, it } from 'vitest';
import { notSafetensorsReason } from './safetensors-check';

function safetensors(header: string): Blob {
  const json = new TextEncoder().encode(header);
  const prefix = new Uint8Array(8);
  new DataView(prefix.buffer).setBigUint64(0, BigInt(json.length), true);
  return new Blob([prefix, json]);
}

describe('notSafetensorsReason', () => {
  it('accepts a file that starts with a safetensors header', async () => {
    await expect(notSafetensorsReason(safetensors('{"__metadata__":{}}'))).resolves.toBeNull();
  });

  it('names a PNG plainly instead of quoting a 19-digit header length', async () => {
    const png = new File(
      [new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13])],
      'digit.png',
    );
    const reason = await notSafetensorsReason(png);
    expect(reason).toMatch(/^“digit.png” is not a safetensors file/);
    expect(reason).not.toMatch(/\d{6,}/);
  });

  it('refuses a header that is not a JSON object', async () => {
    await expect(notSafetensorsReason(safetensors('[1]'))).resolves.toMatch(/not a JSON object/);
  });
});
