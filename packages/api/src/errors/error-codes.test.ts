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

/** The rows of docs/api.md's error table: `| \`CODE\` | status | title |`. */
function documentedCodes(doc: string): Map<string, { status: number; title: string }> {
  const rows = new Map<string, { status: number; title: string }>();
  for (const m of doc.matchAll(/^\|\s*`(GRADIEND_ERR_[A-Z_]+)`\s*\|\s*(\d+)\s*\|\s*([^|]*?)\s*\|/gm)) {
    rows.set(m[1] as string, { status: Number(m[2]), title: m[3] as string });
  }
  return rows;
}

describe('error registry documentation', () => {
  const doc = readFileSync(apiDoc, 'utf8');
  const table = documentedCodes(doc);

  it('docs/api.md lists every error code with its status and title', () => {
    const missing = Object.entries(ERROR_CODES)
      .filter(([code, entry]) => {
        const row = table.get(code);
        return row?.status !== entry.status || row.title !== entry.title;
      })
      .map(([code, { status, title }]) => `${code} (${status}, ${title})`);
    expect(missing).toEqual([]);
  });

  it('every code docs/api.md names exists in ERROR_CODES', () => {
    // Guards the parse: the table is there and has rows.
    expect(table.size).toBeGreaterThan(10);
    const named = new Set([...doc.matchAll(/GRADIEND_ERR_[A-Z_]+/g)].map((m) => m[0]));
    expect([...named].filter((code) => !Object.hasOwn(ERROR_CODES, code))).toEqual([]);
    expect([...table.keys()].filter((code) => !Object.hasOwn(ERROR_CODES, code))).toEqual([]);
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
