/**
 * Domain errors of @gradiend/core. Each has a stable `code` (GRADIEND_ERR_<AREA>_<WHAT>) that the
 * API maps to an HTTP status, and carries the offending name or value where there is one.
 */
export abstract class GradiendError extends Error {
  abstract readonly code: string;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A safetensors file violates the format. `rule` names the violated rule, `tensor` the tensor if any. */
export class SafetensorsFormatError extends GradiendError {
  readonly code = 'GRADIEND_ERR_SAFETENSORS_FORMAT';
  constructor(
    message: string,
    readonly rule: SafetensorsRule,
    readonly tensor?: string,
  ) {
    super(message);
  }
}

export type SafetensorsRule =
  | 'header-length'
  | 'header-too-large'
  | 'header-out-of-bounds'
  | 'header-json'
  | 'header-not-object'
  | 'metadata'
  | 'tensor-entry'
  | 'unknown-dtype'
  | 'shape'
  | 'byte-length'
  | 'offsets'
  | 'data-coverage'
  | 'missing-tensor'
  | 'write';

/** A PyTorch zip checkpoint could not be read, or its pickle names something we refuse to load. */
export class TorchCheckpointError extends GradiendError {
  readonly code = 'GRADIEND_ERR_TORCH_CHECKPOINT';
}

/**
 * A checkpoint folder is incomplete or inconsistent (config, weights, mapping files). `folder` is
 * the folder as the caller named it, kept out of the message (which may reach API clients) for
 * local tools to show.
 */
export class CheckpointError extends GradiendError {
  readonly code = 'GRADIEND_ERR_CHECKPOINT';
  constructor(
    message: string,
    readonly file?: string,
    readonly folder?: string,
  ) {
    super(message);
  }
}

/** A param map is inconsistent (selected total vs input_dim, indices out of range, shapes). */
export class MappingError extends GradiendError {
  readonly code = 'GRADIEND_ERR_MAPPING';
  constructor(
    message: string,
    readonly param?: string,
  ) {
    super(message);
  }
}

/**
 * Invalid arguments to prune / top-k / importance. `referenceType` is the Python exception type the
 * reference implementation raises for the same input (ValueError or TypeError).
 */
export class PruneArgumentError extends GradiendError {
  readonly code = 'GRADIEND_ERR_PRUNE_ARGUMENT';
  constructor(
    message: string,
    readonly referenceType: 'ValueError' | 'TypeError',
  ) {
    super(message);
  }
}

/** An input vector, batch or gradient dict does not fit the model (wrong length, missing parameter). */
export class InputShapeError extends GradiendError {
  readonly code = 'GRADIEND_ERR_INPUT_SHAPE';
  constructor(
    message: string,
    readonly referenceType: 'ValueError' | 'TypeError' | 'KeyError' = 'ValueError',
  ) {
    super(message);
  }
}

/**
 * Gradients cannot be taken from a base model for the param map: a mapped parameter does not exist
 * in the model (`reason` 'missing-parameter', the reference's KeyError), or has no gradient yet
 * ('missing-gradient', the reference's RuntimeError). `params` names the offending parameters.
 */
export class GradientExtractionError extends GradiendError {
  readonly code = 'GRADIEND_ERR_GRADIENT_EXTRACTION';
  constructor(
    message: string,
    readonly reason: 'missing-parameter' | 'missing-gradient' | 'shape',
    readonly params: readonly string[],
  ) {
    super(message);
  }
}

/** GRADIEND training cannot run with these samples or options; `option` names the offending one. */
export class TrainingError extends GradiendError {
  readonly code = 'GRADIEND_ERR_TRAINING';
  constructor(
    message: string,
    readonly option?: string,
  ) {
    super(message);
  }
}

/**
 * A labeled set cannot be scored (empty, all neutral, fewer than 2 non-neutral rows, one label
 * class, a bad option). `referenceType` is the Python exception the reference raises for it.
 */
export class EncoderMetricsError extends GradiendError {
  readonly code = 'GRADIEND_ERR_ENCODER_METRICS';
  constructor(
    message: string,
    readonly referenceType: 'ValueError' | 'TypeError' = 'ValueError',
  ) {
    super(message);
  }
}

/**
 * GRADIENDs cannot be compared as asked: a bad measure / part / top-k / aggregation argument, or
 * models over different base parameter spaces. `referenceType` is the Python exception the
 * reference raises for the same arguments.
 */
export class ComparisonError extends GradiendError {
  readonly code = 'GRADIEND_ERR_COMPARISON';
  constructor(
    message: string,
    readonly referenceType: 'ValueError' | 'TypeError' | 'KeyError' = 'ValueError',
  ) {
    super(message);
  }
}

/** A labeled gradient set is malformed: its manifest (columns, labels, file/row) or its gradients. */
export class LabeledSetError extends GradiendError {
  readonly code = 'GRADIEND_ERR_LABELED_SET';
}

/**
 * A base model cannot be rewritten with this GRADIEND: a mapped parameter is missing from the base
 * ('KeyError' in the reference), does not fit it ('RuntimeError'), the update vector and the
 * mapping disagree in length or the part is unknown ('ValueError'), or the base's files are
 * unusable (`referenceType` null). `param` names the offending parameter where there is one.
 */
export class RewriteError extends GradiendError {
  readonly code = 'GRADIEND_ERR_REWRITE';
  constructor(
    message: string,
    readonly referenceType: 'KeyError' | 'ValueError' | 'RuntimeError' | null,
    readonly param?: string,
  ) {
    super(message);
  }
}
