const DTYPE_BYTES: Readonly<Record<string, number>> = { float32: 4, float64: 8, float16: 2, bfloat16: 2 };

/** Bytes of encoder + decoder weights (and decoder bias) per input dim: what pruning one dim saves. */
export function bytesPerInputDim(arch: { latent_dim: number; bias_decoder: boolean; dtype: string }): number {
  return (DTYPE_BYTES[arch.dtype] ?? 4) * (2 * arch.latent_dim + (arch.bias_decoder ? 1 : 0));
}
