import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const srcDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const vocabulary = path.resolve(srcDir, '../../api/src/schemas/vocabulary.ts');
const schemaTypes = path.resolve(srcDir, '../../api/src/schemas/types.ts');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return /\.tsx?$/.test(e.name) ? [p] : [];
  });
}

/** Every static import/export statement naming a module: [statement, module]. */
function moduleStatements(text: string): [string, string][] {
  return [...text.matchAll(/^(?:import|export)\s[^;]*?from\s+'([^']+)'/gms)].map((m) => [
    m[0],
    m[1] as string,
  ]);
}

describe('the web app and the API contract', () => {
  it('takes only types from the API, besides its import-free vocabulary', () => {
    const offenders: string[] = [];
    let typeImports = 0;
    for (const file of sources(srcDir)) {
      for (const [statement, module] of moduleStatements(readFileSync(file, 'utf8'))) {
        if (!module.startsWith('@gradiend/api')) continue;
        if (/^(?:import|export)\s+type\s/.test(statement)) typeImports++;
        else if (module !== '@gradiend/api/vocabulary')
          offenders.push(`${path.relative(srcDir, file)}: ${module}`);
      }
    }
    expect(offenders).toEqual([]);
    // Guards the scan: the contract's types do come from the API.
    expect(typeImports).toBeGreaterThan(0);
  });

  it('the vocabulary it bundles imports nothing (no server code, no TypeBox)', () => {
    expect(moduleStatements(readFileSync(vocabulary, 'utf8'))).toEqual([]);
    expect(readFileSync(vocabulary, 'utf8')).not.toMatch(/\bimport\s*\(|\brequire\s*\(/);
  });

  it("declares none of the contract's types itself", () => {
    const exported = (file: string) =>
      [...readFileSync(file, 'utf8').matchAll(/export\s+type\s*\{([^}]*)\}/g)]
        .flatMap((m) => (m[1] as string).split(','))
        .map((name) => name.trim().split(/\s+as\s+/))
        .filter((parts) => parts[0]);
    const names = new Set([
      ...exported(schemaTypes).map((p) => p[0] as string),
      ...exported(path.join(srcDir, 'api/contract.ts')).map((p) => p[p.length - 1] as string),
    ]);
    expect(names).toContain('Heatmap');
    const declared = sources(srcDir).flatMap((f) =>
      // A declaration, not an inline `type X,` modifier inside an import list.
      [
        ...readFileSync(f, 'utf8').matchAll(
          /^\s*(?:export\s+)?(?:interface\s+(\w+)\b|type\s+(\w+)\s*(?:<[^=]*>)?\s*=)/gm,
        ),
      ]
        .map((m) => (m[1] ?? m[2]) as string)
        .filter((name) => names.has(name))
        .map((name) => `${path.relative(srcDir, f)}: ${name}`),
    );
    // Problem is the one local type: the server's ProblemFields with an optional code.
    expect(declared).toEqual(['api/contract.ts: Problem']);
  });
});
