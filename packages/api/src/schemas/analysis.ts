import { PARAM_REPRS } from '@gradiend/core';
import { Type, type Static } from '@sinclair/typebox';
import { ImportancePartSchema, Literals } from './common.js';
import { HEATMAP_AGGS, HISTOGRAM_SCALES } from './vocabulary.js';

export const ParamReprSchema = Literals(PARAM_REPRS);

export const ParamRowSchema = Type.Object(
  {
    name: Type.String(),
    shape: Type.Array(Type.Integer()),
    numel: Type.Integer(),
    repr: ParamReprSchema,
    selected: Type.Integer(),
    coverage: Type.Number(),
    stored_bytes: Type.Integer(),
    importance_sum: Type.Number(),
    importance_max: Type.Union([Type.Number(), Type.Null()]),
    importance_min: Type.Union([Type.Number(), Type.Null()]),
    importance_mean: Type.Union([Type.Number(), Type.Null()]),
  },
  { title: 'ParamRow' },
);
export type ParamRow = Static<typeof ParamRowSchema>;

export const ParamsResponseSchema = Type.Object(
  { part: ImportancePartSchema, items: Type.Array(ParamRowSchema) },
  { title: 'ParamsResponse' },
);
export type ParamsResponse = Static<typeof ParamsResponseSchema>;

export const ImportanceResponseSchema = Type.Object(
  { part: ImportancePartSchema, input_dim: Type.Integer(), values: Type.Array(Type.Number()) },
  { title: 'ImportanceResponse' },
);
export type ImportanceResponse = Static<typeof ImportanceResponseSchema>;

export const HistogramScaleSchema = Literals(HISTOGRAM_SCALES);

export const HistogramSchema = Type.Object(
  {
    part: ImportancePartSchema,
    scale: HistogramScaleSchema,
    bins: Type.Integer(),
    edges: Type.Array(Type.Number(), { description: 'bins + 1 bin edges; empty when no value is in range' }),
    counts: Type.Array(Type.Integer()),
    total: Type.Integer(),
    zeros: Type.Integer(),
    non_finite: Type.Integer(),
    below_range: Type.Integer(),
    above_range: Type.Integer(),
    min: Type.Union([Type.Number(), Type.Null()]),
    max: Type.Union([Type.Number(), Type.Null()]),
    range: Type.Union([Type.Tuple([Type.Number(), Type.Number()]), Type.Null()], {
      description: 'The binned range (0.1 % to 99.9 % quantile); null when no value is in range',
    }),
    quantiles: Type.Record(Type.String(), Type.Number(), {
      description: 'Quantile (as a decimal string, e.g. "0.99") → value',
    }),
    quantile_ranges: Type.Record(Type.String(), Type.Tuple([Type.Number(), Type.Number()]), {
      description: 'Per quantile the value range of the summary bucket holding it',
    }),
    exact: Type.Boolean({
      description:
        'False when a bin edge cuts a summary bucket (its values then count in the bin of its middle)',
    }),
    bucket_bits: Type.Integer({
      description: 'Order-key bits per summary bucket (16: a relative width of 2^-7 for normal floats)',
    }),
  },
  { title: 'Histogram' },
);
export type Histogram = Static<typeof HistogramSchema>;

export const HeatmapAggSchema = Literals(HEATMAP_AGGS);

export const HeatmapSchema = Type.Object(
  {
    param: Type.String(),
    part: ImportancePartSchema,
    shape: Type.Array(Type.Integer()),
    matrix_shape: Type.Tuple([Type.Integer(), Type.Integer()], {
      description: 'The [rows, cols] of the parameter viewed as a matrix, which the heatmap pools',
    }),
    rows: Type.Integer(),
    cols: Type.Integer(),
    row_bin: Type.Integer(),
    col_bin: Type.Integer(),
    agg: HeatmapAggSchema,
    values: Type.Array(Type.Array(Type.Union([Type.Number(), Type.Null()])), {
      description: 'rows × cols pooled importance; null where a cell holds no selected entry',
    }),
    coverage: Type.Array(Type.Array(Type.Number())),
    min: Type.Union([Type.Number(), Type.Null()]),
    max: Type.Union([Type.Number(), Type.Null()]),
  },
  { title: 'Heatmap' },
);
export type Heatmap = Static<typeof HeatmapSchema>;

export const TopkRowSchema = Type.Object(
  {
    rank: Type.Integer(),
    importance: Type.Number(),
    local_index: Type.Integer(),
    base_global_index: Type.Integer(),
    param: Type.String(),
    flat_index: Type.Integer(),
    coords: Type.Array(Type.Integer()),
    param_shape: Type.Array(Type.Integer()),
  },
  { title: 'TopkRow' },
);
export type TopkRow = Static<typeof TopkRowSchema>;

/** `k` echoed as the client gave it: a number, or a percentage string such as "100%". */
export const TopkEchoSchema = Type.Union([Type.Number(), Type.String()], { description: 'k as given' });

/** A JSON page of top-k rows is for people and dashboards; downloads stream any number of rows. */
export const MAX_TOPK_PAGE_ROWS = 100_000;

export const TopkResponseSchema = Type.Object(
  {
    part: ImportancePartSchema,
    k: TopkEchoSchema,
    total: Type.Integer({ description: 'Rows in the whole selection' }),
    offset: Type.Integer(),
    items: Type.Array(TopkRowSchema, { description: 'Rows [offset, offset + limit) of the selection' }),
  },
  { title: 'TopkResponse' },
);
export type TopkResponse = Static<typeof TopkResponseSchema>;

/** Overlap of two top-k selections in base-parameter space (what the compare task computes). */
export const SelectionOverlapSchema = Type.Object({
  size_a: Type.Integer(),
  size_b: Type.Integer(),
  intersection: Type.Integer(),
  union: Type.Integer(),
  iou: Type.Number(),
  params: Type.Array(
    Type.Object({
      name: Type.String(),
      a: Type.Integer(),
      b: Type.Integer(),
      intersection: Type.Integer(),
    }),
  ),
});
export type SelectionOverlap = Static<typeof SelectionOverlapSchema>;

export const CompareResponseSchema = Type.Composite(
  [
    Type.Object({
      a: Type.String({ description: 'name@version' }),
      b: Type.String({ description: 'name@version' }),
      part: ImportancePartSchema,
      k: TopkEchoSchema,
    }),
    SelectionOverlapSchema,
  ],
  { title: 'CompareResponse' },
);
export type CompareResponse = Static<typeof CompareResponseSchema>;
