import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as core from '@gradiend/core';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from './error-codes.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const apiDoc = path.resolve(here, '../../../../docs/api.md');
const coreSrc = path.resolve(here, '../../../core/src');

/** Every `readonly code = 'GRADIEND_ERR_…'` in the core's sources, outside the CLI (which the API never runs). */
function codesInCoreSources(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'cli') out.push(...codesInCoreSources(p));
    } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) {
      for (const m of readFileSync(p, 'utf8').matchAll(/readonly code = '(GRADIEND_ERR_[A-Z_]+)'/g)) {
        if (m[1]) out.push(m[1]);
      }
    }
  }
  return out;
}

describe('error registry documentation', () => {
  it('docs/api.md lists every error code with its status', () => {
    const doc = readFileSync(apiDoc, 'utf8');
    const missing = Object.entries(ERROR_CODES)
      .filter(([code, { status }]) => !new RegExp(`\\|\\s*\`${code}\`\\s*\\|\\s*${status}\\s*\\|`).test(doc))
      .map(([code, { status }]) => `${code} (${status})`);
    expect(missing).toEqual([]);
  });
});

describe('core errors in the registry', () => {
  it('lists the code of every GradiendError the core exports or defines', () => {
    const exports: unknown[] = Object.values(core);
    const exported = exports
      .filter((v): v is new (message: string) => core.GradiendError => {
        return typeof v === 'function' && v.prototype instanceof core.GradiendError;
      })
      .map((ErrorClass) => new ErrorClass('probe').code);
    // Guards the scan itself: these classes exist, so both lists must hold their codes.
    expect(exported).toContain('GRADIEND_ERR_CHECKPOINT');
    expect(exported).toContain('GRADIEND_ERR_ONNX_EXPORT');
    const defined = codesInCoreSources(coreSrc);
    expect(new Set(defined)).toEqual(new Set(exported));
    expect([...new Set(defined)].filter((code) => !Object.hasOwn(ERROR_CODES, code))).toEqual([]);
  });
});
