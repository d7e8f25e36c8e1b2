import type { EvaluationResponse } from '../../api/contract';

/** The reference scorecard's subsets, in its order, and what each one holds. */
export const SUBSETS = [
  ['training_only', 'training only', 'rows whose type is not neutral (the headline correlation)'],
  ['all_data', 'all data', 'every row, neutral ones included'],
  ['target_classes_only', 'target classes only', 'rows labelled ±1 (accuracy by sign)'],
] as const;

type Metrics = Record<string, unknown>;

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function numberMap(v: unknown): Record<string, number> {
  if (!isRecord(v)) return {};
  return Object.fromEntries(Object.entries(v).filter((e): e is [string, number] => typeof e[1] === 'number'));
}

/** The class names the scorecard gives its label keys ("1.0" → "masc"). */
export function classNames(metrics: Metrics): Record<string, string> {
  const names = metrics.label_value_to_class_name;
  if (!isRecord(names)) return {};
  return Object.fromEntries(
    Object.entries(names).filter((e): e is [string, string] => typeof e[1] === 'string'),
  );
}

/** A label key as people read it: "masc (+1)", "−1", "neutral (0)". */
export function labelName(key: string, names: Record<string, string>): string {
  const value = Number(key);
  const signed = value > 0 ? `+${value}` : value === 0 ? '0' : `−${-value}`;
  // A name that only repeats the label value ("1.0" → "1.0") adds nothing.
  const given = names[key] !== undefined && Number(names[key]) !== value ? names[key] : undefined;
  const name = given ?? (value === 0 ? 'identity / neutral' : undefined);
  return name ? `${name} (${signed})` : signed;
}

export interface SubsetRow {
  readonly key: string;
  readonly title: string;
  readonly note: string;
  readonly correlation: number | null;
  readonly accuracy: number | null;
}

export function subsetRows(metrics: Metrics): SubsetRow[] {
  return SUBSETS.map(([key, title, note]) => {
    const s = metrics[key];
    const scores = isRecord(s) ? s : {};
    return {
      key,
      title,
      note,
      correlation: typeof scores.correlation === 'number' ? scores.correlation : null,
      accuracy: typeof scores.accuracy === 'number' ? scores.accuracy : null,
    };
  });
}

export const CLASS_STATS = ['n', 'mean', 'std', 'min', 'q1', 'q3', 'max'] as const;
export type ClassStat = (typeof CLASS_STATS)[number];

export interface ClassRow {
  readonly key: string;
  readonly name: string;
  readonly stats: Record<ClassStat, number | null>;
}

/** Per-label statistics (`<stat>_by_class`), labels in ascending order. */
export function classRows(metrics: Metrics): ClassRow[] {
  const names = classNames(metrics);
  const by = Object.fromEntries(CLASS_STATS.map((s) => [s, numberMap(metrics[`${s}_by_class`])])) as Record<
    ClassStat,
    Record<string, number>
  >;
  const keys = [...new Set(CLASS_STATS.flatMap((s) => Object.keys(by[s])))].sort(
    (a, b) => Number(a) - Number(b),
  );
  return keys.map((key) => ({
    key,
    name: labelName(key, names),
    stats: Object.fromEntries(CLASS_STATS.map((s) => [s, by[s][key] ?? null])) as Record<
      ClassStat,
      number | null
    >,
  }));
}

/** Mean and |mean| of the encodings by row type (training, identity, neutral …). */
export function typeRows(metrics: Metrics): { type: string; mean: number | null; absMean: number | null }[] {
  const mean = numberMap(metrics.mean_by_type);
  const abs = numberMap(metrics.abs_mean_by_type);
  return [...new Set([...Object.keys(mean), ...Object.keys(abs)])].sort().map((type) => ({
    type,
    mean: mean[type] ?? null,
    absMean: abs[type] ?? null,
  }));
}

export interface VerdictCheck {
  readonly id: 'correlation' | 'class-mean' | 'opposite-signs';
  readonly rule: string;
  readonly value: string;
  readonly pass: boolean;
}

/**
 * The trainer's convergence test, criterion by criterion, from the scorecard: |correlation| ≥ the
 * score threshold, the smallest |mean| of the two target classes ≥ the class-mean threshold, and the
 * two class means of opposite sign.
 */
export function verdictChecks(e: Pick<EvaluationResponse, 'metrics' | 'convergence'>): VerdictCheck[] {
  const { score_threshold: score, mean_by_class_threshold: classMean } = e.convergence.criteria;
  const corr = typeof e.metrics.correlation === 'number' ? e.metrics.correlation : Number.NaN;
  const means = numberMap(e.metrics.mean_by_class);
  const pos = means['1.0'];
  const neg = means['-1.0'];
  const minAbs =
    e.convergence.min_target_class_abs_mean ??
    (pos !== undefined && neg !== undefined ? Math.min(Math.abs(pos), Math.abs(neg)) : null);
  return [
    {
      id: 'correlation',
      rule: `|correlation| ≥ ${score}`,
      value: Number.isFinite(corr) ? `|${corr.toFixed(4)}| = ${Math.abs(corr).toFixed(4)}` : 'no correlation',
      pass: Number.isFinite(corr) && Math.abs(corr) >= score,
    },
    {
      id: 'class-mean',
      rule:
        classMean === null
          ? 'min |class mean| of the target classes (not checked: no threshold set)'
          : `min |class mean| of the target classes ≥ ${classMean}`,
      value: minAbs === null ? 'a target class is missing' : minAbs.toFixed(4),
      pass: classMean === null || (minAbs !== null && minAbs >= classMean),
    },
    {
      id: 'opposite-signs',
      rule: 'the +1 and −1 class means have opposite signs',
      value:
        pos === undefined || neg === undefined
          ? 'a target class is missing'
          : `+1: ${pos.toFixed(4)}, −1: ${neg.toFixed(4)}`,
      pass: pos !== undefined && neg !== undefined && Math.sign(pos) * Math.sign(neg) < 0,
    },
  ];
}

export interface ClassEncodings {
  readonly key: string;
  readonly name: string;
  readonly values: number[];
  readonly ids: string[];
}

/** The samples' encodings on latent dimension `dim`, grouped by label (ascending). */
export function encodingsByClass(
  samples: EvaluationResponse['samples'],
  dim: number,
  names: Record<string, string>,
): ClassEncodings[] {
  const groups = new Map<number, { values: number[]; ids: string[] }>();
  for (const s of samples) {
    const v = s.encoded[dim];
    if (v === undefined) continue;
    const g = groups.get(s.label) ?? { values: [], ids: [] };
    g.values.push(v);
    g.ids.push(s.file ?? (s.row !== undefined ? `row ${s.row}` : `sample ${s.index}`));
    groups.set(s.label, g);
  }
  return [...groups.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([label, g]) => {
      const key = Number.isInteger(label) ? label.toFixed(1) : String(label);
      return { key, name: labelName(key, names), ...g };
    });
}

export interface SplitView {
  readonly agreement: number | null;
  readonly agreementWorst: number | null;
  readonly compared: string[];
  readonly splits: string[];
  readonly rows: {
    cls: string;
    bySplit: Record<string, number>;
    agreement: number | null;
    shift: number | null;
    smd: number | null;
  }[];
}

/** `split_generalization` (present when rows carry data_split), as a table per feature class. */
export function splitView(metrics: Metrics): SplitView | null {
  const g = metrics.split_generalization;
  if (!isRecord(g)) return null;
  const bySplit = isRecord(g.mean_by_feature_class_by_split) ? g.mean_by_feature_class_by_split : {};
  const agreement = numberMap(g.agreement_by_feature_class);
  const shift = numberMap(g.shift_by_feature_class);
  const smd = numberMap(g.smd_by_feature_class);
  const strings = (v: unknown) =>
    Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  const splits = strings(g.splits_present);
  return {
    agreement: typeof g.agreement === 'number' ? g.agreement : null,
    agreementWorst: typeof g.agreement_worst === 'number' ? g.agreement_worst : null,
    compared: strings(g.splits_compared),
    splits,
    rows: Object.keys(bySplit)
      .sort()
      .map((cls) => ({
        cls,
        bySplit: numberMap(bySplit[cls]),
        agreement: agreement[cls] ?? null,
        shift: shift[cls] ?? null,
        smd: smd[cls] ?? null,
      })),
  };
}

/** latent_dim > 1: each dimension's subset scores (the scorecard's keys "0", "1", …). */
export function dimensionRows(metrics: Metrics, latentDim: number): { dim: number; subsets: SubsetRow[] }[] {
  if (latentDim <= 1) return [];
  return Array.from({ length: latentDim }, (_, dim) => {
    const block = metrics[String(dim)];
    return { dim, subsets: isRecord(block) ? subsetRows(block) : [] };
  }).filter((d) => d.subsets.length > 0);
}
