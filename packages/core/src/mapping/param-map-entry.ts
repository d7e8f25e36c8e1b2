import { MappingError } from '../errors.js';
import { numelOf } from '../tensor/tensor.js';
import { INT32_INDEX_LIMIT, chooseRepr } from './representation.js';
import type { IndexArray, ParamRepr, ParamSelectionSpec } from './types.js';

function newIndexArray(length: number, numel: number): IndexArray {
  return numel <= INT32_INDEX_LIMIT ? new Int32Array(length) : new Float64Array(length);
}

function validateShape(name: string, shape: readonly number[]): void {
  for (const [axis, d] of shape.entries()) {
    if (!Number.isSafeInteger(d) || d < 0) {
      throw new MappingError(
        `param '${name}': shape[${axis}] must be a non-negative integer, got ${d}`,
        name,
      );
    }
  }
}

/**
 * One parameter of a param map in its runtime form. The representation is always the one the
 * reference normalises to (see chooseRepr), so the hash and saved files match the reference.
 */
export class ParamMapEntry {
  readonly numel: number;
  readonly numSelected: number;
  private maskPositions: IndexArray | null = null;

  private constructor(
    readonly name: string,
    readonly shape: readonly number[],
    readonly repr: ParamRepr,
    /** 0/1 byte mask over the flattened parameter (repr 'mask' only); built only by fromPositions. */
    readonly mask: Uint8Array | null,
    /** Flat positions in input-space order (repr 'indices' only). */
    readonly indices: IndexArray | null,
    numSelected: number,
  ) {
    this.numel = numelOf(shape);
    this.numSelected = numSelected;
  }

  /** Builds an entry from flat selected positions (input-space order), choosing the reference's representation. */
  static fromPositions(name: string, shape: readonly number[], positions: IndexArray): ParamMapEntry {
    validateShape(name, shape);
    const numel = numelOf(shape);
    const k = positions.length;
    const repr = chooseRepr(k, numel);
    if (repr === 'all') return new ParamMapEntry(name, shape, 'all', null, null, numel);
    if (repr === 'indices') {
      const indices =
        positions instanceof Int32Array || numel > INT32_INDEX_LIMIT ? positions : Int32Array.from(positions);
      return new ParamMapEntry(name, shape, 'indices', null, indices, k);
    }
    const mask = new Uint8Array(numel);
    for (let i = 0; i < k; i++) mask[positions[i] as number] = 1;
    let count = 0;
    for (let i = 0; i < numel; i++) count += mask[i] as number;
    return new ParamMapEntry(name, shape, 'mask', mask, null, count);
  }

  /** Validates a spec (as read from a checkpoint or given by a caller) and normalises its representation. */
  static fromSpec(spec: ParamSelectionSpec): ParamMapEntry {
    const { name, shape } = spec;
    validateShape(name, shape);
    const numel = numelOf(shape);
    if (spec.repr === 'all') return new ParamMapEntry(name, shape, 'all', null, null, numel);
    if (spec.repr === 'mask') {
      if (spec.mask.length !== numel) {
        throw new MappingError(
          `param '${name}': mask has ${spec.mask.length} entries but shape [${shape.join(', ')}] has ${numel}`,
          name,
        );
      }
      const positions = newIndexArray(countNonZero(spec.mask), numel);
      let j = 0;
      for (let i = 0; i < numel; i++) if (spec.mask[i] !== 0) positions[j++] = i;
      return ParamMapEntry.fromPositions(name, shape, positions);
    }
    if (spec.repr === 'indices') {
      const src = spec.indices;
      const positions = newIndexArray(src.length, numel);
      for (let i = 0; i < src.length; i++) {
        const v = src[i] as number;
        if (!Number.isInteger(v) || v < 0 || v >= numel) {
          throw new MappingError(
            `param '${name}': index ${v} at position ${i} is out of range [0, ${numel})`,
            name,
          );
        }
        positions[i] = v;
      }
      return ParamMapEntry.fromPositions(name, shape, positions);
    }
    const unknown: { repr: unknown } = spec;
    throw new MappingError(`param '${name}': unknown repr ${JSON.stringify(unknown.repr)}`, name);
  }

  /** Selected flat positions in input-space order. Allocates for 'all' and 'mask'. */
  selectedPositions(): IndexArray {
    if (this.repr === 'indices') return this.indices as IndexArray;
    if (this.repr === 'all') {
      const out = newIndexArray(this.numel, this.numel);
      for (let i = 0; i < this.numel; i++) out[i] = i;
      return out;
    }
    if (this.maskPositions === null) {
      const mask = this.mask as Uint8Array;
      const out = newIndexArray(this.numSelected, this.numel);
      let j = 0;
      for (let i = 0; i < mask.length; i++) if (mask[i] !== 0) out[j++] = i;
      this.maskPositions = out;
    }
    return this.maskPositions;
  }

  /** Flat position of the `local`-th selected entry of this parameter. */
  positionAt(local: number): number {
    if (this.repr === 'all') return local;
    return this.selectedPositions()[local] as number;
  }
}

function countNonZero(bytes: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < bytes.length; i++) if (bytes[i] !== 0) n++;
  return n;
}
