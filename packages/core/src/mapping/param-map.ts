import { MappingError } from '../errors.js';
import { bisectRight, unravelIndex } from './index-decoding.js';
import { ParamMapEntry } from './param-map-entry.js';
import { paramMapHash } from './param-map-hash.js';
import type { DecodedIndex, ParamSelectionSpec } from './types.js';

/**
 * Which entries of which base-model parameters form the GRADIEND input space, in insertion order.
 * Input position `p` belongs to the entry whose [inputOffset, inputOffset + numSelected) holds it.
 */
export class ParamMap {
  /** Start of each entry in the GRADIEND input space (length entries + 1). */
  readonly inputOffsets: Float64Array;
  /** Start of each entry in the flattened base-parameter space (length entries + 1). */
  readonly baseOffsets: Float64Array;
  private hashCache: string | null = null;

  constructor(readonly entries: readonly ParamMapEntry[]) {
    const seen = new Set<string>();
    this.inputOffsets = new Float64Array(entries.length + 1);
    this.baseOffsets = new Float64Array(entries.length + 1);
    entries.forEach((e, i) => {
      if (seen.has(e.name))
        throw new MappingError(`param '${e.name}' appears twice in the param map`, e.name);
      seen.add(e.name);
      this.inputOffsets[i + 1] = (this.inputOffsets[i] as number) + e.numSelected;
      this.baseOffsets[i + 1] = (this.baseOffsets[i] as number) + e.numel;
    });
  }

  /** Start of entry `i` in the input space (i = entries.length: the end); RangeError outside. */
  inputOffset(i: number): number {
    return checkedOffset(this.inputOffsets, i, 'input');
  }

  /** Start of entry `i` in the flattened base-parameter space (i = entries.length: the end). */
  baseOffset(i: number): number {
    return checkedOffset(this.baseOffsets, i, 'base');
  }

  static fromSpecs(specs: readonly ParamSelectionSpec[]): ParamMap {
    return new ParamMap(specs.map((s) => ParamMapEntry.fromSpec(s)));
  }

  /** Total selected entries: must equal the model's input_dim. */
  get selectedTotal(): number {
    return this.inputOffsets[this.entries.length] as number;
  }

  /** Total entries of all mapped parameters, selected or not (the reference's `unpruned_length()`). */
  get unprunedLength(): number {
    return this.baseOffsets[this.entries.length] as number;
  }

  entry(name: string): ParamMapEntry | undefined {
    return this.entries.find((e) => e.name === name);
  }

  hash(): string {
    this.hashCache ??= paramMapHash(this.entries);
    return this.hashCache;
  }

  assertInputDim(inputDim: number): void {
    if (this.selectedTotal !== inputDim) {
      throw new MappingError(
        `param map selects ${this.selectedTotal} entries in total but input_dim is ${inputDim}`,
      );
    }
  }

  /** Index of the entry holding input position `local`. */
  entryIndexOfInput(local: number): number {
    if (!Number.isInteger(local) || local < 0 || local >= this.selectedTotal) {
      throw new RangeError(`input index ${local} out of bounds for input_dim ${this.selectedTotal}`);
    }
    // Entries with no selection have equal offsets; bisect_right skips them.
    return bisectRight(this.inputOffsets, local) - 1;
  }

  /** Base-global index (flattened over all mapped parameters in order) of one input position. */
  baseGlobalIndex(local: number): number {
    const i = this.entryIndexOfInput(local);
    const e = this.entries[i] as ParamMapEntry;
    return (this.baseOffsets[i] as number) + e.positionAt(local - (this.inputOffsets[i] as number));
  }

  /** For every input position its base-global index. Float64 holds indices exactly up to 2^53. */
  baseGlobalIndexMap(): Float64Array {
    const out = new Float64Array(this.selectedTotal);
    this.entries.forEach((e, i) => {
      const start = this.inputOffsets[i] as number;
      const base = this.baseOffsets[i] as number;
      if (e.repr === 'all') {
        for (let j = 0; j < e.numel; j++) out[start + j] = base + j;
      } else {
        const pos = e.selectedPositions();
        for (let j = 0; j < pos.length; j++) out[start + j] = base + (pos[j] as number);
      }
    });
    return out;
  }

  /** The reference's `decode_base_global_index`: which parameter and coordinates a base-global index names. */
  decodeBaseGlobalIndex(index: number): DecodedIndex {
    if (!Number.isInteger(index)) throw new TypeError(`base_global_index must be int, got ${index}`);
    const total = this.unprunedLength;
    if (index < 0 || index >= total) {
      throw new RangeError(`base_global_index ${index} out of bounds for total size ${total}`);
    }
    const i = bisectRight(this.baseOffsets.subarray(0, this.entries.length), index) - 1;
    const e = this.entries[i] as ParamMapEntry;
    const flat = index - (this.baseOffsets[i] as number);
    const coords = unravelIndex(flat, e.shape);
    return {
      paramName: e.name,
      paramShape: [...e.shape],
      paramNumel: e.numel,
      flatIndexInParam: flat,
      coords,
      paramRow: coords.length >= 1 ? (coords[0] as number) : null,
      paramCol: coords.length >= 2 ? (coords[1] as number) : null,
    };
  }
}

function checkedOffset(offsets: Float64Array, i: number, space: string): number {
  const v = Number.isInteger(i) ? offsets[i] : undefined;
  if (v === undefined) {
    throw new RangeError(
      `param map entry ${i} is out of range [0, ${offsets.length - 1}] (${space} offsets)`,
    );
  }
  return v;
}
