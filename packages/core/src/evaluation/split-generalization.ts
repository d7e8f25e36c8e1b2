import { EncoderMetricsError } from '../errors.js';
import type { Columns, NormalizedRow } from './encoder-metrics.js';
import { groupSorted, mean, pythonListRepr, pythonStrRepr, sampleStd } from './statistics.js';

/** Cross-split agreement of the class means (the reference's `split_generalization` block). */
export interface SplitGeneralization {
  readonly agreement: number;
  readonly agreement_worst: number;
  readonly agreement_by_feature_class: Record<string, number>;
  readonly mean_by_feature_class_by_split: Record<string, Record<string, number>>;
  readonly shift_by_feature_class: Record<string, number>;
  readonly smd_by_feature_class: Record<string, number>;
  readonly epsilon: number;
  readonly splits_compared: [string, string];
  readonly splits_present: string[];
}

const STANDARD_SPLITS = ['train', 'validation', 'test'] as const;

/** The reference's split-name normalisation (HuggingFace names, lower case). */
export function normalizeSplitName(split: string): string {
  const s = split.toLowerCase();
  return s === 'val' ? 'validation' : s;
}

/** Split names normalised, train / validation / test first, then the others sorted. */
export function orderSplitNames(splits: Iterable<string>): string[] {
  const avail = new Set([...splits].map(normalizeSplitName));
  const standard: readonly string[] = STANDARD_SPLITS;
  return [
    ...STANDARD_SPLITS.filter((s) => avail.has(s)),
    ...[...avail].filter((s) => !standard.includes(s)).sort(),
  ];
}

function defaultPair(splits: readonly string[]): [string, string] | null {
  if (splits.includes('train') && splits.includes('test')) return ['train', 'test'];
  if (splits.length >= 2) return [splits[0] as string, splits[splits.length - 1] as string];
  return null;
}

// pandas' astype(str) of a missing cell.
const str = (v: string | null): string => v ?? 'nan';

/**
 * `rows` are the non-neutral rows (dimension 0 is used). Null without data_split / source_id
 * columns or fewer than two splits. Like the reference, `comparedSplits` only decides which
 * splits the target pair must cover; the agreement itself compares train/test (or the first and
 * last split present).
 */
export function splitGeneralization(
  rows: readonly NormalizedRow[],
  columns: Columns,
  options: {
    targetClasses?: readonly string[] | undefined;
    comparedSplits?: readonly [string, string] | undefined;
  },
): SplitGeneralization | null {
  if (!columns.dataSplit || !columns.sourceId || rows.length === 0) return null;
  const targetClasses =
    options.targetClasses && options.targetClasses.length >= 2 ? options.targetClasses : null;
  let sg = rows;
  if (targetClasses) {
    const classes = new Set(targetClasses);
    sg = rows.filter((r) => r.label !== 0 && classes.has(str(r.sourceId)) && classes.has(str(r.targetId)));
    if (sg.length === 0)
      throw new EncoderMetricsError(
        'split_generalization requires encoder rows for the trained target pair, ' +
          `but none were found for target_classes=${pythonListRepr(targetClasses)}.`,
      );
  }
  const splits = orderSplitNames(sg.map((r) => r.dataSplit).filter((s): s is string => s !== null));
  if (splits.length < 2) return null;
  const checked = options.comparedSplits ?? defaultPair(splits);
  if (!checked) return null;
  if (targetClasses) checkCoverage(sg, targetClasses, checked);

  const encoded = sg.map((r) => r.encoded[0] as number);
  const scale = encoded.length > 1 ? sampleStd(encoded) : 1;
  const epsilon = Math.max(1e-8, 1e-6 * Math.max(1, scale));

  const bySourceBySplit: Record<string, Record<string, number>> = {};
  const sourceGroups = groupSorted(sg, (r) => str(r.sourceId));
  for (const [source, group] of sourceGroups) {
    const bySplit = groupSorted(group, (r) => str(r.dataSplit));
    if (bySplit.length < 2) continue;
    bySourceBySplit[source] = Object.fromEntries(
      bySplit.map(([split, g]) => [split, mean(g.map((r) => r.encoded[0] as number))]),
    );
  }
  const [a, b] = defaultPair(splits) as [string, string];
  const agreement: Record<string, number> = {};
  const shift: Record<string, number> = {};
  const smd: Record<string, number> = {};
  for (const [source, bySplit] of Object.entries(bySourceBySplit)) {
    const muA = bySplit[a];
    const muB = bySplit[b];
    if (muA === undefined || muB === undefined) continue;
    const d = Math.abs(muA - muB);
    shift[source] = d;
    agreement[source] = Math.max(0, Math.min(1, 1 - d / (Math.abs(muA) + Math.abs(muB) + epsilon)));
    const group = sourceGroups.find(([s]) => s === source)?.[1] ?? [];
    const pooled = sampleStd(group.map((r) => r.encoded[0] as number));
    smd[source] = pooled > 0 ? (muA - muB) / pooled : 0;
  }
  const values = Object.values(agreement);
  if (values.length === 0) return null;
  return {
    agreement: mean(values),
    agreement_worst: Math.min(...values),
    agreement_by_feature_class: agreement,
    mean_by_feature_class_by_split: bySourceBySplit,
    shift_by_feature_class: shift,
    smd_by_feature_class: smd,
    epsilon,
    splits_compared: [a, b],
    splits_present: splits,
  };
}

/** Each of the pair's two classes needs rows in both compared splits (the reference's coverage check). */
function checkCoverage(
  rows: readonly NormalizedRow[],
  targetClasses: readonly string[],
  compared: readonly [string, string],
): void {
  const problems: string[] = [];
  for (const cls of targetClasses.slice(0, 2)) {
    const present = new Set(
      rows
        .filter((r) => str(r.sourceId) === cls && r.dataSplit !== null)
        .map((r) => normalizeSplitName(r.dataSplit as string)),
    );
    for (const sp of compared) {
      const norm = normalizeSplitName(sp);
      if (!present.has(norm)) {
        const ordered = orderSplitNames(present);
        problems.push(
          `${pythonStrRepr(cls)} has no target-pair encoder rows in split ${pythonStrRepr(norm)} ` +
            `(present in: ${pythonListRepr(ordered.length ? ordered : ['<none>'])})`,
        );
      }
    }
  }
  if (problems.length)
    throw new EncoderMetricsError(
      `Target pair split coverage is insufficient for split_generalization:\n  ${problems.join('\n  ')}`,
    );
}
