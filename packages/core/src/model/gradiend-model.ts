import { CheckpointError, InputShapeError } from '../errors.js';
import { JsonObject, fromPlain, toPlain } from '../json/index.js';
import type { ParamMap } from '../mapping/param-map.js';
import type { DecodedIndex } from '../mapping/types.js';
import { MODEL_DTYPES } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';
import { numelOf } from '../tensor/tensor.js';
import { buildComputeWeights } from './compute-weights.js';
import { flattenGradientDict, scatterToParams } from './gradient-dict.js';
import { encodeRowsWith } from './gradiend-encoder.js';
import type { GradiendEncoder } from './gradiend-encoder.js';
import type { GradientDict } from './gradient-dict.js';
import { parseImportancePart, updateVector, weightImportance } from './importance.js';
import type { ImportanceOptions, ImportancePart } from './importance.js';
import { SERIAL_KERNELS } from './input-kernels.js';
import type { InputKernels } from './input-kernels.js';
import { normaliseTopK } from './prune-arguments.js';
import type { PruneOptions, TopKSpec } from './prune-arguments.js';
import { remapParamMap } from './prune-remap.js';
import { stateDictOf, weightLayout, weightProblems } from './weight-layout.js';
import { isKeepEverything, selectInputDims } from './prune-selection.js';
import { gatherColumns, gatherRows } from './prune-slicing-kernels.js';
import { EXACT_TIE_EMULATION_LIMIT, selectTopK } from './topk/select-top-k.js';
import { PruneArgumentError } from '../errors.js';
import type {
  ComputeWeights,
  FloatArray,
  GradiendArchitecture,
  GradiendModelLike,
  GradiendWeights,
  RankedScores,
} from './types.js';

export interface PruneResult {
  readonly model: GradiendModel;
  /** One byte per old input dim: 1 = kept (the reference's combined_mask). */
  readonly combinedMask: Uint8Array;
  /** Kept old input indices, ascending. */
  readonly keepIdx: Int32Array;
}

export interface ForwardResult {
  readonly encoded: FloatArray;
  readonly decoded: FloatArray;
}

/** Options of encode / decode / forward. */
export interface ComputeOptions {
  /** The input-dimension loops (default: on this thread; the node kernel pool passes threaded ones). */
  readonly kernels?: InputKernels | undefined;
}

export interface DecodeOptions extends ComputeOptions {
  /** Write the decoded values here instead of allocating ([batch, inputDim], compute precision). */
  readonly into?: FloatArray | undefined;
}

export interface ParamArray {
  readonly shape: readonly number[];
  readonly data: FloatArray;
}

/**
 * A GRADIEND encoder/decoder with its param map (the reference's ParamMappedGradiendModel).
 * Weights keep their stored dtype (for saving); math runs in float32, or float64 for float64 models.
 */
export class GradiendModel implements GradiendModelLike {
  private arch: GradiendArchitecture;
  private w: GradiendWeights;
  private map: ParamMap;
  private compute: ComputeWeights | null = null;
  /**
   * config.json `metadata` exactly as loaded (key order, number literals), so unknown keys survive
   * a save. Like the reference's kwargs it also carries `training` (training.json) after a load.
   */
  readonly metadataJson: JsonObject;
  /**
   * config.json as loaded (null for a model built in code). A save writes the keys of it this version
   * does not interpret — newer library versions' `init_fan_in_floor`, `components`, … — back in
   * their places, so a load → save round trip keeps the file byte for byte.
   */
  readonly configJson: JsonObject | null;

  constructor(
    architecture: GradiendArchitecture,
    weights: GradiendWeights,
    paramMap: ParamMap,
    metadata: JsonObject | Readonly<Record<string, unknown>> = {},
    options: { readonly config?: JsonObject | null } = {},
  ) {
    validateWeights(architecture, weights);
    paramMap.assertInputDim(architecture.inputDim);
    this.arch = architecture;
    this.w = weights;
    this.map = paramMap;
    const json = metadata instanceof JsonObject ? metadata : fromPlain(metadata);
    if (!(json instanceof JsonObject)) throw new TypeError('metadata must be an object');
    this.metadataJson = json;
    this.configJson = options.config ?? null;
  }

  /** The metadata as plain values (e.g. `metadata.base_model`). */
  get metadata(): Readonly<Record<string, unknown>> {
    return toPlain(this.metadataJson) as Record<string, unknown>;
  }

  get architecture(): GradiendArchitecture {
    return this.arch;
  }
  get weights(): GradiendWeights {
    return this.w;
  }
  get paramMap(): ParamMap {
    return this.map;
  }
  get inputDim(): number {
    return this.arch.inputDim;
  }
  get latentDim(): number {
    return this.arch.latentDim;
  }

  computeWeights(): ComputeWeights {
    this.compute ??= buildComputeWeights(this.arch, this.w);
    return this.compute;
  }

  // ---- mapping ----

  paramMapHash(): string {
    return this.map.hash();
  }
  unprunedLength(): number {
    return this.map.unprunedLength;
  }
  baseGlobalIndexMap(): Float64Array {
    return this.map.baseGlobalIndexMap();
  }
  baseGlobalIndex(local: number): number {
    return this.map.baseGlobalIndex(local);
  }
  decodeBaseGlobalIndex(index: number): DecodedIndex {
    return this.map.decodeBaseGlobalIndex(index);
  }

  // ---- weight analysis ----

  importance(part: ImportancePart = 'decoder-weight', options: ImportanceOptions = {}): FloatArray {
    return weightImportance(this.arch, this.computeWeights(), parseImportancePart(part), options);
  }

  /**
   * The importance to rank by. When it is just the magnitude of one stored array (latent 1,
   * float32/float64; decoder-weight, encoder-weight or decoder-bias) and the model is large, this
   * returns that array with `absolute`, so ranking reads |w| directly instead of allocating a copy
   * the size of the input space.
   */
  rankedImportance(part: ImportancePart = 'decoder-weight'): RankedScores {
    const p = parseImportancePart(part);
    const { latentDim, inputDim, dtype } = this.arch;
    if (
      latentDim === 1 &&
      inputDim > EXACT_TIE_EMULATION_LIMIT &&
      (dtype === 'float32' || dtype === 'float64')
    ) {
      const cw = this.computeWeights();
      const source =
        p === 'decoder-weight'
          ? cw.decoderWeight
          : p === 'encoder-weight'
            ? cw.encoderWeight
            : p === 'decoder-bias'
              ? cw.decoderBias
              : null;
      if (source) return { values: source, absolute: true };
    }
    return { values: this.importance(p), absolute: false };
  }

  updateVector(part: ImportancePart = 'decoder-weight'): FloatArray {
    return updateVector(this.arch, this.computeWeights(), parseImportancePart(part));
  }

  /** The reference's get_topk_weights: input indices of the k most important dims, most important first. */
  topK(
    part: ImportancePart = 'decoder-weight',
    topk: TopKSpec = 1000,
    options: ComputeOptions = {},
  ): Int32Array {
    const spec = normaliseTopK(topk);
    if (spec.kind === 'fraction' && !(spec.value > 0 && spec.value <= 1)) {
      throw new PruneArgumentError('topk as float must be in (0, 1.0]', 'ValueError');
    }
    if (spec.kind === 'count' && spec.value < 0)
      throw new PruneArgumentError('topk as int must be >= 0', 'ValueError');
    const { values, absolute } = this.rankedImportance(part);
    const n = values.length;
    const k0 = spec.kind === 'fraction' ? Math.ceil(spec.value * n) : spec.value;
    return selectTopK(values, Math.min(Math.max(k0, 1), n), {
      sorted: true,
      absolute,
      bandScan: options.kernels?.bandScan,
    });
  }

  encoderNorm(): number {
    return l2Norm(this.computeWeights().encoderWeight);
  }
  decoderNorm(): number {
    return l2Norm(this.computeWeights().decoderWeight);
  }

  // ---- forward ----

  /** Encodes `batch` vectors stored back to back in `x` → [batch, latentDim]. */
  encode(x: ArrayLike<number>, batch = 1): FloatArray {
    return this.encodeRows(this.splitRows(x, batch));
  }

  /** Encodes each vector of `rows` (each of length inputDim) → [rows, latentDim]. */
  encodeRows(rows: readonly ArrayLike<number>[], options: ComputeOptions = {}): FloatArray {
    return encodeRowsWith(this.encoder(), rows, options.kernels);
  }

  /** The encoder half in compute precision (views of the weights; see encodeRowsWith). */
  encoder(): GradiendEncoder {
    const cw = this.computeWeights();
    return {
      inputDim: this.arch.inputDim,
      latentDim: this.arch.latentDim,
      activation: this.arch.activationEncoder,
      precision: cw.precision,
      weight: cw.encoderWeight,
      bias: cw.encoderBias,
      layerNorm: cw.layerNorm,
    };
  }

  /** Decodes `batch` latent vectors stored back to back → [batch, inputDim]. */
  decode(latent: ArrayLike<number>, batch = 1, options: DecodeOptions = {}): FloatArray {
    const { inputDim, latentDim } = this.arch;
    if (latent.length !== batch * latentDim) {
      throw new InputShapeError(`latent has ${latent.length} values, expected ${batch} × ${latentDim}`);
    }
    const cw = this.computeWeights();
    const out = options.into ?? this.allocate(batch * inputDim);
    if (out.length !== batch * inputDim || (this.arch.dtype === 'float64') !== out instanceof Float64Array) {
      throw new RangeError(
        `into must be a ${this.arch.dtype === 'float64' ? 'Float64Array' : 'Float32Array'} of length ${batch * inputDim}`,
      );
    }
    (options.kernels ?? SERIAL_KERNELS).decodeActivated(
      cw.decoderWeight,
      cw.decoderBias,
      latentDim,
      inputDim,
      this.toPrecision(latent),
      batch,
      this.arch.activationDecoder,
      out,
    );
    return out;
  }

  /** Encodes then decodes; `into` receives the decoded values. */
  forward(x: ArrayLike<number>, batch = 1, options: DecodeOptions = {}): ForwardResult {
    const encoded = this.encodeRows(this.splitRows(x, batch), options);
    return { encoded, decoded: this.decode(encoded, batch, options) };
  }

  // ---- per-parameter gradients ----

  flattenGradientDict(grads: GradientDict): FloatArray {
    return flattenGradientDict(this.map, grads, this.allocate(this.inputDim));
  }

  encodeDict(grads: GradientDict): FloatArray {
    return this.encode(this.flattenGradientDict(grads));
  }

  /** Forward on per-parameter gradients; the decoded update comes back per parameter (zeros where unselected). */
  forwardDict(grads: GradientDict): { encoded: FloatArray; decoded: Map<string, ParamArray> } {
    const { encoded, decoded } = this.forward(this.flattenGradientDict(grads));
    return { encoded, decoded: scatterToParams(this.map, decoded, (n) => this.allocate(n)) };
  }

  // ---- pruning ----

  /**
   * Physically removes input dims (the reference's prune): selection mask → threshold → top-k, or
   * explicit keepIdx; slices the weights and rewrites the param map. Returns a new model unless
   * `inplace`.
   */
  prune(options: PruneOptions, compute: ComputeOptions = {}): PruneResult {
    if (isKeepEverything(options)) {
      const all = new Int32Array(this.inputDim);
      for (let i = 0; i < all.length; i++) all[i] = i;
      return {
        model: options.inplace ? this : this.clone(),
        combinedMask: new Uint8Array(this.inputDim).fill(1),
        keepIdx: all,
      };
    }
    const selection = selectInputDims(options, {
      inputDim: this.inputDim,
      dtype: this.arch.dtype,
      weightImportance: () => this.rankedImportance(options.part ?? 'decoder-weight'),
      bandScan: compute.kernels?.bandScan,
    });
    const keep = selection.keepIdx;
    const paramMap = remapParamMap(this.map, keep);
    const weights: GradiendWeights = {
      encoderWeight: gatherColumns(this.w.encoderWeight, keep),
      encoderBias: this.w.encoderBias,
      decoderWeight: gatherRows(this.w.decoderWeight, keep),
      decoderBias: this.w.decoderBias ? gatherRows(this.w.decoderBias, keep) : null,
      encoderNorm: this.w.encoderNorm,
    };
    const architecture = { ...this.arch, inputDim: keep.length };
    if (options.inplace) {
      this.arch = architecture;
      this.w = weights;
      this.map = paramMap;
      this.compute = null;
      return { model: this, ...selection };
    }
    return {
      model: new GradiendModel(architecture, weights, paramMap, this.metadataJson, {
        config: this.configJson,
      }),
      ...selection,
    };
  }

  /** A copy sharing the (immutable) weight tensors. */
  clone(): GradiendModel {
    return new GradiendModel(this.arch, this.w, this.map, this.metadataJson, { config: this.configJson });
  }

  // ---- helpers ----

  private allocate(n: number): FloatArray {
    return this.arch.dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
  }

  /** The input as an array of compute precision (a view when it already is one). */
  private toPrecision(x: ArrayLike<number>): FloatArray {
    if (this.arch.dtype === 'float64') return x instanceof Float64Array ? x : Float64Array.from(x);
    return x instanceof Float32Array ? x : Float32Array.from(x);
  }

  private splitRows(x: ArrayLike<number>, batch: number): FloatArray[] {
    const n = this.inputDim;
    if (!Number.isInteger(batch) || batch < 1)
      throw new InputShapeError(`batch must be a positive integer, got ${batch}`);
    if (x.length !== batch * n) {
      throw new InputShapeError(
        batch === 1
          ? `Input tensor has incorrect size ${x.length}, expected ${n}`
          : `Input has ${x.length} values, expected ${batch} × ${n}`,
      );
    }
    const flat = this.toPrecision(x);
    const rows: FloatArray[] = [];
    for (let r = 0; r < batch; r++) rows.push(flat.subarray(r * n, (r + 1) * n));
    return rows;
  }
}

function l2Norm(v: FloatArray): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += (v[i] as number) * (v[i] as number);
  return Math.sqrt(s);
}

/**
 * The weights must be the state dict weightLayout prescribes for `arch` (the same rules a checkpoint
 * is read by), in the model dtype, each holding as many values as its shape.
 */
function validateWeights(arch: GradiendArchitecture, w: GradiendWeights): void {
  const { inputDim: n, latentDim: L } = arch;
  if (!Number.isSafeInteger(n) || n <= 0 || !Number.isSafeInteger(L) || L <= 0) {
    throw new CheckpointError('Input and latent dimensions must be positive integers.');
  }
  const headers = stateDictOf(w).map(([name, t]) => ({ name, dtype: t.dtype, shape: t.shape }));
  const [problem] = weightProblems(arch, headers);
  if (problem !== undefined) throw new CheckpointError(problem);
  const dtype = MODEL_DTYPES[arch.dtype];
  for (const slot of weightLayout(arch)) {
    // weightProblems found every slot filled.
    const t = slot.get(w) as Tensor;
    if (t.dtype !== dtype)
      throw new CheckpointError(`${slot.name} is ${t.dtype} but torch_dtype is ${arch.dtype}`);
    if (t.data.length !== numelOf(slot.shape)) {
      throw new CheckpointError(
        `${slot.name} holds ${t.data.length} values, expected ${numelOf(slot.shape)}`,
      );
    }
  }
}
