/**
 * The API's small lists and name rules as plain values, with no imports, so the web app can use
 * them at runtime (`@gradiend/api/vocabulary`) without bundling TypeBox or any server code. The
 * TypeBox schemas in this folder are built from these; nothing else spells them out.
 */

/** Longest model name. */
export const MAX_MODEL_NAME_LENGTH = 100;
/** Model names: lowercase slug (letters, digits, ".", "_", "-"), at most 100 characters. */
export const MODEL_NAME_PATTERN = `^[a-z0-9][a-z0-9._-]{0,${MAX_MODEL_NAME_LENGTH - 1}}$`;
/** Alias names (`latest` is built in and cannot be set). */
export const ALIAS_PATTERN = '^[a-z][a-z0-9._-]{0,63}$';
/** A version reference: a number, `latest`, or an alias. */
export const VERSION_REF_PATTERN = `^([0-9]{1,9}|${ALIAS_PATTERN.slice(1, -1)})$`;
/** `name@ref`, as /compare takes its two versions. */
export const MODEL_AT_REF_PATTERN = `${MODEL_NAME_PATTERN.slice(0, -1)}@${VERSION_REF_PATTERN.slice(1)}`;
/** Tags of a model or version: each matches TAG_PATTERN, at most MAX_TAGS of them (upload and PATCH). */
export const TAG_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$';
export const MAX_TAGS = 64;
/** API token names, in the API and the CLI alike. */
export const TOKEN_NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$';
/** Longest model or version description, in PATCH bodies and upload fields alike (never cut). */
export const MAX_DESCRIPTION_LENGTH = 10_000;

/** Longest checkpoint file name (uploads, archive entries, the files route's parameter). */
export const MAX_FILE_NAME_LENGTH = 100;
/** What a checkpoint folder may hold: config, weights, mappings, training/context side files. */
export const CHECKPOINT_FILE_EXTENSIONS = ['json', 'safetensors', 'bin', 'pth', 'pt', 'md', 'txt'] as const;
/** A checkpoint file name: a letter or digit, then letters, digits, "_", ".", "-", and an extension above. */
export const CHECKPOINT_FILE_PATTERN = `^[A-Za-z0-9][A-Za-z0-9_.-]*\\.(${CHECKPOINT_FILE_EXTENSIONS.join('|')})$`;

export const MODEL_SORTS = ['-updated', 'updated', 'name', '-name', '-created', 'created'] as const;
export type ModelSort = (typeof MODEL_SORTS)[number];

export const HEATMAP_AGGS = ['max', 'mean', 'sum'] as const;
export type HeatmapAgg = (typeof HEATMAP_AGGS)[number];

export const HISTOGRAM_SCALES = ['linear', 'log'] as const;
export type HistogramScale = (typeof HISTOGRAM_SCALES)[number];

export const ROLES = ['read', 'write', 'admin'] as const;
/** Roles in increasing power; a token with a role may do everything the roles before it may. */
export type Role = (typeof ROLES)[number];

export const GRAPH_KINDS = ['encoder', 'decoder'] as const;
export type GraphKind = (typeof GRAPH_KINDS)[number];

/** How a prune preview was computed (all exact). */
export const PRUNE_PREVIEW_METHODS = ['summary', 'scan', 'prune'] as const;
export type PrunePreviewMethod = (typeof PRUNE_PREVIEW_METHODS)[number];

/** A version's cached analysis of one importance part, in this instance. */
export const ANALYSIS_STATES = ['queued', 'computing', 'ready', 'failed'] as const;
export type AnalysisState = (typeof ANALYSIS_STATES)[number];

/** A job's lifecycle: queued → running → done | failed | cancelled. */
export const JOB_STATES = ['queued', 'running', 'done', 'failed', 'cancelled'] as const;
export type JobState = (typeof JOB_STATES)[number];

/**
 * The kind of the job that computes a version's first analysis (importance and summary of every
 * part) after its upload or prune; the dashboard follows it while the analysis views wait.
 */
export const ANALYSIS_JOB_KIND = 'analysis-summary';

/** A labeled gradient set's name within its model (lowercase slug). */
export const LABELED_SET_NAME_PATTERN = '^[a-z0-9][a-z0-9._-]{0,63}$';
/** How a labeled set's gradients are given: one per-parameter file per sample, or one [N, input_dim] tensor. */
export const LABELED_SET_FORMATS = ['per-sample', 'batched'] as const;
/** At most this many samples in one labeled set. */
export const MAX_LABELED_SET_SAMPLES = 100_000;
/** A labeled set's manifest is read into memory: at most this many bytes (≈160 per row). */
export const MAX_MANIFEST_BYTES = 16 * 1024 * 1024;
/** A pruning curve's grid: at most this many log-spaced points, and this many extra k's. */
export const MAX_CURVE_POINTS = 200;
export const MAX_CURVE_EXTRA_KS = 16;
/** A cross-encoding matrix has at most this many rows and this many columns. */
export const MAX_CROSS_ENCODING_SIDE = 16;
