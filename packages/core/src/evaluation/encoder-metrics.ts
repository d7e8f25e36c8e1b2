import { EncoderMetricsError } from '../errors.js';
import { pythonFloatRepr } from '../json/json-value.js';
import { pearson } from '../training/encoder-evaluation.js';
import { groupSorted, mean, pythonStrRepr, quantile, sampleStd, valueCounts } from './statistics.js';
import { splitGeneralization } from './split-generalization.js';
import type { SplitGeneralization } from './split-generalization.js';

/** One labeled, encoded sample (a row of the reference's encoder DataFrame). */
export interface EncodedRow {
  /** The encoding: one number per latent dimension (a bare number for latent_dim 1). */
  readonly encoded: number | readonly number[];
  /** +1 / −1 for the two target classes, 0 for identity or neutral rows. */
  readonly label: number;
  /** `training` or a neutral type (any type containing "neutral" is left out of `training_only`). */
  readonly type?: string;
  readonly sourceId?: string;
  readonly targetId?: string;
  readonly dataSplit?: string;
}

export interface EncoderMetricsOptions {
  /** Ternary class boundaries (reference defaults −0.5 / 0.5; null = neutralBoundary ∓ 0.5). */
  readonly negBoundary?: number | null;
  readonly posBoundary?: number | null;
  /** Sign boundary of the binary target-class accuracy (default 0). */
  readonly neutralBoundary?: number;
  /** The trained target pair (source ids); restricts split_generalization to its transitions. */
  readonly targetClasses?: readonly string[];
  /** The two splits whose coverage split_generalization checks, e.g. ['train', 'test']. */
  readonly generalizationSplits?: readonly [string, string];
}

export interface SubsetScores {
  readonly correlation: number;
  readonly accuracy: number;
}

export interface DimensionScores {
  readonly all_data: SubsetScores;
  readonly training_only: SubsetScores;
  readonly target_classes_only: SubsetScores;
}

/** Keyed by Python's str(float(label)) — "-1.0", "0.0", "1.0" — or by source id. */
export type ByKey<T> = Record<string, T>;

/**
 * The reference's scorecard (`get_encoder_metrics_from_dataframe`), same keys and structure. Class
 * statistics use the first latent dimension; for latent_dim > 1 the keys "0", "1", … hold each
 * dimension's subset scores.
 */
export interface EncoderMetrics {
  readonly n_samples: number;
  readonly sample_counts: {
    readonly by_type: ByKey<number>;
    readonly training_by_feature_class?: ByKey<number>;
    readonly training_by_transition?: ByKey<number>;
  };
  readonly all_data: SubsetScores;
  readonly training_only: SubsetScores;
  readonly target_classes_only: SubsetScores;
  readonly boundaries: {
    readonly neg_boundary: number;
    readonly pos_boundary: number;
    readonly neutral_boundary: number;
  };
  /** = training_only.correlation of the first dimension (what best-checkpoint selection uses). */
  readonly correlation: number;
  readonly mean_by_class: ByKey<number>;
  readonly min_by_class: ByKey<number>;
  readonly max_by_class: ByKey<number>;
  readonly q1_by_class: ByKey<number>;
  readonly q3_by_class: ByKey<number>;
  readonly std_by_class: ByKey<number>;
  readonly n_by_class: ByKey<number>;
  readonly mean_by_type: ByKey<number>;
  readonly abs_mean_by_type: ByKey<number>;
  readonly neutral_mean_by_type?: ByKey<number>;
  readonly mean_by_feature_class?: ByKey<number>;
  readonly min_by_feature_class?: ByKey<number>;
  readonly max_by_feature_class?: ByKey<number>;
  readonly q1_by_feature_class?: ByKey<number>;
  readonly q3_by_feature_class?: ByKey<number>;
  readonly std_by_feature_class?: ByKey<number>;
  readonly n_by_feature_class?: ByKey<number>;
  readonly label_value_to_class_name?: ByKey<string>;
  readonly split_generalization?: SplitGeneralization;
  readonly [dimension: `${number}`]: DimensionScores | undefined;
}

/** The neutral types the reference reports separately, in its order. */
const NEUTRAL_TYPES = ['neutral_training_masked', 'neutral_dataset'] as const;

/** A row with the reference's column semantics: a field absent from every row is no column. */
export interface NormalizedRow {
  readonly encoded: readonly number[];
  readonly label: number;
  readonly type: string;
  /** null: the column exists but this row has no value (pandas NaN). */
  readonly sourceId: string | null;
  readonly targetId: string | null;
  readonly dataSplit: string | null;
}

export interface Columns {
  readonly sourceId: boolean;
  readonly targetId: boolean;
  readonly dataSplit: boolean;
}

const isNeutralType = (type: string): boolean => type.toLowerCase().includes('neutral');

/**
 * The reference's encoder scorecard of labeled encodings, with its errors for unusable sets
 * (empty, all neutral, fewer than 2 non-neutral rows, a single label class).
 */
export function encoderMetrics(
  rows: readonly EncodedRow[],
  options: EncoderMetricsOptions = {},
): EncoderMetrics {
  const neutralBoundary = options.neutralBoundary ?? 0;
  const negBoundary = options.negBoundary ?? neutralBoundary - 0.5;
  const posBoundary = options.posBoundary ?? neutralBoundary + 0.5;
  if (rows.length === 0) throw new EncoderMetricsError('DataFrame is empty, cannot compute metrics');

  const hasType = rows.some((r) => r.type !== undefined);
  const columns: Columns = {
    sourceId: rows.some((r) => r.sourceId !== undefined),
    targetId: rows.some((r) => r.targetId !== undefined),
    dataSplit: rows.some((r) => r.dataSplit !== undefined),
  };
  const all: NormalizedRow[] = rows.map((r) => {
    if (!Number.isFinite(r.label)) throw new EncoderMetricsError(`label ${r.label} is not a finite number`);
    return {
      encoded: typeof r.encoded === 'number' ? [r.encoded] : r.encoded,
      label: r.label,
      // Without a type column the reference derives it from the label; a missing cell is pandas' "nan".
      type: hasType ? (r.type ?? 'nan') : r.label === 0 ? 'neutral' : 'training',
      sourceId: r.sourceId ?? null,
      targetId: r.targetId ?? null,
      dataSplit: r.dataSplit ?? null,
    };
  });

  const training = all.filter((r) => !isNeutralType(r.type));
  if (training.length === 0)
    throw new EncoderMetricsError(
      'All encoder eval data is neutral. Encoder correlation requires non-neutral (training-like) ' +
        'examples. Add eval data with distinct feature classes (e.g. 3SG vs 3PL).',
    );
  if (training.length < 2)
    throw new EncoderMetricsError(
      `Encoder eval has only ${training.length} non-neutral instance(s). ` +
        'Correlation requires at least 2 non-neutral samples.',
    );
  if (training.every((r) => r.label === (training[0] as NormalizedRow).label))
    throw new EncoderMetricsError(
      'Encoder eval has only one label class (all labels identical). ' +
        'Correlation requires at least two distinct classes in eval data.',
    );

  const sampleCounts: {
    -readonly [K in keyof EncoderMetrics['sample_counts']]: EncoderMetrics['sample_counts'][K];
  } = {
    by_type: Object.fromEntries(valueCounts(all.map((r) => r.type))),
  };
  // Without a source_id column the reference also requires a "training" type for the target subset.
  const targetOnly = columns.sourceId
    ? training.filter((r) => r.label !== 0)
    : training.filter((r) => r.type.toLowerCase().includes('training') && r.label !== 0);
  if (columns.sourceId) {
    const sources = training.map((r) => r.sourceId).filter((s): s is string => s !== null);
    sampleCounts.training_by_feature_class = Object.fromEntries(valueCounts(sources));
    if (columns.targetId) {
      const transitions = training.map((r) => `(${pyValue(r.sourceId)}, ${pyValue(r.targetId)})`);
      sampleCounts.training_by_transition = Object.fromEntries(valueCounts(transitions));
    }
  }

  const latentDim = (all[0] as NormalizedRow).encoded.length;
  for (const r of all) {
    if (r.encoded.length !== latentDim)
      throw new EncoderMetricsError(
        `every encoding needs ${latentDim} value(s) (the first row's), got one with ${r.encoded.length}`,
      );
    for (const v of r.encoded)
      if (typeof v !== 'number' || Number.isNaN(v))
        throw new EncoderMetricsError(`encoding ${v} is not a number`);
  }
  const ternary = (v: number): number => (v <= negBoundary ? -1 : v >= posBoundary ? 1 : 0);
  const binary = (v: number): number => (v >= neutralBoundary ? 1 : -1);
  const scores = (
    subset: readonly NormalizedRow[],
    dim: number,
    classify: (v: number) => number,
  ): SubsetScores => {
    if (subset.length === 0) return { correlation: 0, accuracy: 0 };
    const labels = subset.map((r) => r.label);
    const encoded = subset.map((r) => r.encoded[dim] as number);
    let hits = 0;
    for (let i = 0; i < subset.length; i++)
      if (classify(labels[i] as number) === classify(encoded[i] as number)) hits++;
    return { correlation: correlation(labels, encoded), accuracy: hits / subset.length };
  };
  const dimensions: DimensionScores[] = [];
  for (let d = 0; d < latentDim; d++) {
    dimensions.push({
      all_data: scores(all, d, ternary),
      training_only: scores(training, d, ternary),
      target_classes_only: scores(targetOnly, d, binary),
    });
  }
  const first = dimensions[0] as DimensionScores;
  const enc0 = (r: NormalizedRow): number => r.encoded[0] as number;

  // Class statistics over the non-neutral rows (identity rows with label 0 included), dimension 0.
  const byClass = groupSorted(training, (r) => r.label).map(
    ([label, group]) => [pythonFloatRepr(label), group.map(enc0)] as const,
  );
  const byType = groupSorted(all, (r) => r.type).map(([type, group]) => [type, group.map(enc0)] as const);
  const meanByType = Object.fromEntries(byType.map(([t, v]) => [t, mean(v)]));

  const result: Record<string, unknown> = {
    n_samples: all.length,
    sample_counts: sampleCounts,
    all_data: first.all_data,
    training_only: first.training_only,
    target_classes_only: first.target_classes_only,
    boundaries: { neg_boundary: negBoundary, pos_boundary: posBoundary, neutral_boundary: neutralBoundary },
    correlation: first.training_only.correlation,
    ...describeGroups(byClass, 'class'),
    mean_by_type: meanByType,
    abs_mean_by_type: Object.fromEntries(byType.map(([t, v]) => [t, mean(v.map(Math.abs))])),
  };
  const neutralMeans = NEUTRAL_TYPES.filter((t) => t in meanByType).map((t) => [t, meanByType[t]]);
  if (neutralMeans.length) result.neutral_mean_by_type = Object.fromEntries(neutralMeans);

  if (columns.sourceId) {
    const withSource = training.filter((r) => r.sourceId !== null);
    const bySource = groupSorted(withSource, (r) => r.sourceId as string).map(
      ([source, group]) => [source, group.map(enc0)] as const,
    );
    if (bySource.length) Object.assign(result, describeGroups(bySource, 'feature_class'));
    if (training.length) result.label_value_to_class_name = labelClassNames(training);
  }

  const generalization = splitGeneralization(training, columns, {
    targetClasses: options.targetClasses,
    comparedSplits: options.generalizationSplits,
  });
  if (generalization) result.split_generalization = generalization;

  if (latentDim > 1) dimensions.forEach((scores, d) => (result[String(d)] = scores));
  return result as unknown as EncoderMetrics;
}

/**
 * Pearson r of labels and encodings; 0 below 2 rows or when either is constant (the reference's
 * get_correlation, which tests pandas' std for exactly 0).
 */
function correlation(labels: readonly number[], encoded: readonly number[]): number {
  if (labels.length < 2 || sampleStd(labels) === 0 || sampleStd(encoded) === 0) return 0;
  const r = pearson(labels, encoded);
  return Number.isNaN(r) ? 0 : Math.max(-1, Math.min(1, r));
}

function describeGroups(
  groups: readonly (readonly [string, readonly number[]])[],
  suffix: 'class' | 'feature_class',
): Record<string, ByKey<number>> {
  const stat = (f: (v: readonly number[]) => number): ByKey<number> =>
    Object.fromEntries(groups.map(([k, v]) => [k, f(v)]));
  return {
    [`mean_by_${suffix}`]: stat(mean),
    [`min_by_${suffix}`]: stat((v) => Math.min(...v)),
    [`max_by_${suffix}`]: stat((v) => Math.max(...v)),
    [`q1_by_${suffix}`]: stat((v) => quantile(v, 0.25)),
    [`q3_by_${suffix}`]: stat((v) => quantile(v, 0.75)),
    [`std_by_${suffix}`]: stat((v) => (v.length > 1 ? sampleStd(v) : 0)),
    [`n_by_${suffix}`]: stat((v) => v.length),
  };
}

/**
 * The reference's display name per label: "neutral" for 0, the class's source id when exactly one
 * (non-numeric) id carries the label, "positive"/"negative" when several do, else the label itself.
 */
function labelClassNames(rows: readonly NormalizedRow[]): ByKey<string> {
  const names: [string, string][] = [];
  for (const [label, group] of groupSorted(rows, (r) => r.label)) {
    const key = pythonFloatRepr(label);
    if (label === 0) {
      names.push([key, 'neutral']);
      continue;
    }
    const ids = [...new Set(group.map((r) => r.sourceId).filter((s): s is string => s !== null && s !== ''))];
    if (ids.length === 1 && !/^\d+$/.test(ids[0] as string)) names.push([key, ids[0] as string]);
    else if (ids.length > 1) names.push([key, label > 0 ? 'positive' : 'negative']);
    else names.push([key, key]);
  }
  return Object.fromEntries(names);
}

/** repr() of a DataFrame cell inside a tuple: a quoted str, or nan for a missing one. */
function pyValue(v: string | null): string {
  return v === null ? 'nan' : pythonStrRepr(v);
}
