import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from './error-codes.js';

const apiDoc = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../docs/api.md');

describe('error registry documentation', () => {
  it('docs/api.md lists every error code with its status', () => {
    const doc = readFileSync(apiDoc, 'utf8');
    const missing = Object.entries(ERROR_CODES)
      .filter(([code, { status }]) => !new RegExp(`\\|\\s*\`${code}\`\\s*\\|\\s*${status}\\s*\\|`).test(doc))
      .map(([code, { status }]) => `${code} (${status})`);
    expect(missing).toEqual([]);
  });
});
