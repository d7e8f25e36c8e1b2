import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';

/** One check of one case; `failure` is null when it passed. */
export interface CheckResult {
  readonly family: string;
  readonly caseName: string;
  readonly check: string;
  readonly failure: string | null;
}

export type RecordCheck = (check: string, failure: string | null) => void;

export interface ConformanceOptions {
  /** Reference family: write our saved copy of each model to <saveTo>/<case>/model, prunes to prune<i>. */
  readonly saveTo?: string;
  readonly onResult?: (r: CheckResult) => void;
}

/**
 * A kind of reference fixture (model facts, rewrites, similarity matrices, encoder metrics …). A
 * fixtures folder may hold cases of several families; each family finds its own cases in it.
 */
export interface ConformanceFamily {
  /** Printed in the runner's per-family line: `<name>: N passed, M failed`. */
  readonly name: string;
  /** Case names (sub-folders of `fixturesDir`) this family checks, sorted; [] when none. */
  listCases(fixturesDir: string): Promise<string[]>;
  /** Runs every check of one case, reporting each through `record`; a throw fails the case. */
  runCase(caseDir: string, caseName: string, record: RecordCheck, options: ConformanceOptions): Promise<void>;
}

/** Sorted sub-folders of `fixturesDir` for which `accepts(dir)` holds. */
export async function listCaseDirs(
  fixturesDir: string,
  accepts: (dir: string) => Promise<boolean>,
): Promise<string[]> {
  const cases: string[] = [];
  for (const name of (await readdir(fixturesDir)).sort()) {
    const dir = path.join(fixturesDir, name);
    if ((await stat(dir)).isDirectory() && (await accepts(dir))) cases.push(name);
  }
  return cases;
}
