/** Bytes of the little-endian u64 header length that opens every safetensors file. */
export const LENGTH_PREFIX_BYTES = 8;

/** The reference reader refuses longer headers (`MAX_HEADER_SIZE` in safetensors/src/tensor.rs). */
export const MAX_HEADER_BYTES = 100_000_000;

/** The reference pads the header JSON with spaces so tensor data starts 8-byte aligned. */
export const HEADER_ALIGNMENT = 8;

export const METADATA_KEY = '__metadata__';
