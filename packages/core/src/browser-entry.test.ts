import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const srcDir = path.dirname(fileURLToPath(import.meta.url));
const NODE_ONLY = [/^node:/, /^yauzl$/, /^fs$/, /^path$/, /^os$/, /^crypto$/, /^zlib$/, /^stream$/];

/** Every module reachable from `entry` through static imports and re-exports. */
function importGraph(entry: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const queue = [entry];
  while (queue.length) {
    const file = queue.pop() as string;
    if (graph.has(file)) continue;
    const text = readFileSync(file, 'utf8');
    const specs = [...text.matchAll(/^(?:import|export)\s[^;]*?from\s+'([^']+)'/gms)].map(
      (m) => m[1] as string,
    );
    const typeOnly = new Set(
      [...text.matchAll(/^(?:import|export)\s+type\s[^;]*?from\s+'([^']+)'/gms)].map((m) => m[1] as string),
    );
    const runtime = specs.filter((s) => !typeOnly.has(s));
    graph.set(file, runtime);
    for (const s of runtime)
      if (s.startsWith('.')) queue.push(path.resolve(path.dirname(file), s.replace(/\.js$/, '.ts')));
  }
  return graph;
}

describe('@gradiend/core entry', () => {
  it('reaches no Node built-in or Node-only package (it must run in the browser)', () => {
    const offenders: string[] = [];
    for (const [file, specs] of importGraph(path.join(srcDir, 'index.ts'))) {
      for (const s of specs) {
        if (NODE_ONLY.some((re) => re.test(s))) offenders.push(`${path.relative(srcDir, file)} imports ${s}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('the node entry does reach the file I/O (so the check above is looking at real imports)', () => {
    const all = [...importGraph(path.join(srcDir, 'node.ts')).values()].flat();
    expect(all.some((s) => s.startsWith('node:'))).toBe(true);
  });
});
