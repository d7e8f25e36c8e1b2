/** JSON shapes of the GRADIEND Studio API (snake_case, as the server sends them). */

export const PARTS = ['decoder-weight', 'encoder-weight', 'decoder-bias', 'decoder-sum'] as const;
export type Part = (typeof PARTS)[number];

export const AGGS = ['max', 'mean', 'sum'] as const;
export type Agg = (typeof AGGS)[number];

export const MODEL_SORTS = ['-updated', 'updated', 'name', '-name', '-created', 'created'] as const;
export type ModelSort = (typeof MODEL_SORTS)[number];

export type JsonRecord = Record<string, unknown>;

/** The latest version's headline fields, served with each model. */
export interface LatestSummary {
  version: number;
  input_dim: number;
  unpruned_length: number;
  latent_dim: number;
  dtype: string;
  base_model: string | null;
}

export interface Model {
  name: string;
  description: string;
  tags: string[];
  aliases: Record<string, number>;
  version_count: number;
  latest_version: number | null;
  latest: LatestSummary | null;
  created_at: string;
  created_by: string;
  updated_at: string;
}

export interface ModelList {
  items: Model[];
  total: number;
  limit: number;
  offset: number;
}

export interface ParamSummary {
  name: string;
  shape: number[];
  numel: number;
  repr: string;
  num_selected: number;
}

export interface Version {
  name: string;
  version: number;
  aliases: string[];
  description: string;
  tags: string[];
  input_dim: number;
  latent_dim: number;
  unpruned_length: number;
  param_map_hash: string;
  dtype: string;
  architecture: {
    input_dim: number;
    latent_dim: number;
    activation_encoder: string;
    activation_decoder: string;
    /** Absent in versions stored before the server reported it (those all have an encoder bias). */
    bias_encoder?: boolean;
    bias_decoder: boolean;
    dtype: string;
  };
  param_map: ParamSummary[];
  base_model: string | null;
  gradient_context: JsonRecord | null;
  training: JsonRecord | null;
  metadata: JsonRecord;
  files: { name: string; sha256: string; size: number }[];
  total_bytes: number;
  parent: { name: string; version: number } | null;
  operation: string;
  operation_args: JsonRecord | null;
  created_at: string;
  created_by: string;
}

export interface ModelDetail extends Model {
  versions: Version[];
}

export interface ParamRow {
  name: string;
  shape: number[];
  numel: number;
  repr: string;
  selected: number;
  coverage: number;
  stored_bytes: number;
  importance_sum: number;
  importance_max: number | null;
  importance_mean: number | null;
}

export interface ParamsResponse {
  part: Part;
  items: ParamRow[];
}

export interface Heatmap {
  param: string;
  part: Part;
  shape: number[];
  matrix_shape: [number, number];
  rows: number;
  cols: number;
  row_bin: number;
  col_bin: number;
  agg: Agg;
  values: (number | null)[][];
  coverage: number[][];
  min: number | null;
  max: number | null;
}

export interface Histogram {
  part: Part;
  scale: 'linear' | 'log';
  bins: number;
  edges: number[];
  counts: number[];
  total: number;
  zeros: number;
  non_finite: number;
  below_range: number;
  above_range: number;
  min: number | null;
  max: number | null;
  range: [number, number] | null;
  quantiles: Record<string, number>;
}

export interface TopkRow {
  rank: number;
  importance: number;
  local_index: number;
  base_global_index: number;
  param: string;
  flat_index: number;
  coords: number[];
  param_shape: number[];
}

export interface TopkResponse {
  part: Part;
  k: number;
  items: TopkRow[];
}

/** Body of prune/preview and prune: exactly one selection criterion besides `part`. */
export interface PruneBody {
  /** Any form the API takes; the dashboard sends the core reader's {count} | {fraction}. */
  topk?: number | string | { count: number } | { fraction: number };
  threshold?: number;
  part?: Part;
  target?: string;
}

export interface PrunePreview {
  input_dim: number;
  unpruned_length: number;
  previous_input_dim: number;
  param_map_hash: string;
  /** Total size of the source version's stored files. */
  stored_bytes_before: number;
  /** Exactly what the prune would store (weights, mapping files, JSON files, config). */
  stored_bytes_after: number;
  params: { name: string; numel: number; previous: number; kept: number }[];
}

export interface PruneResult extends Version {
  prune: PrunePreview;
}

export interface CompareResult {
  a: string;
  b: string;
  part: Part;
  k: number;
  size_a: number;
  size_b: number;
  intersection: number;
  union: number;
  iou: number;
  params: { name: string; a: number; b: number; intersection: number }[];
}

export interface EncodeResult {
  encoded: number[][];
  latent_dim: number;
  batch: number;
}

/** An RFC 9457 problem document as the server sends it. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code?: string;
  [key: string]: unknown;
}
