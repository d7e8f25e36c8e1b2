import { describe, expect, it } from 'vitest';
import { formatBytes } from './format';

describe('formatBytes', () => {
  it('labels powers of 1024 with IEC units', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(1.3 * 1024 ** 3)).toBe('1.3 GiB');
    expect(formatBytes(435_566_592)).toBe('415 MiB');
  });
});
