import type { FloatArray } from '../model/types.js';

/** One trainable tensor of a base model, flattened row-major, with the gradient of the last backward. */
export interface NamedParameter {
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: FloatArray;
  /** ∂loss/∂data from the last `backward`, or null before any backward (or after `zeroGrad`). */
  readonly grad: FloatArray | null;
}

/**
 * A base model we can run and differentiate in TypeScript: the role PyTorch's `nn.Module` plays for
 * the reference's `extract_gradients`. `Batch` is whatever one forward pass consumes (for a
 * classifier: inputs and labels).
 */
export interface BaseModel<Batch> {
  /** The parameters in a fixed order (the order a state dict lists them). */
  namedParameters(): readonly NamedParameter[];
  /** The model's raw outputs for the batch (for a classifier: logits, [batch, classes]). */
  forward(batch: Batch): FloatArray;
  /** The scalar training loss of the batch. */
  loss(batch: Batch): number;
  /**
   * Computes the loss and sets every parameter's `grad` to ∂loss/∂parameter. Unlike PyTorch the
   * gradients are replaced, not accumulated, so each call describes exactly one batch.
   */
  backward(batch: Batch): number;
  /** Drops all gradients (`grad` becomes null). */
  zeroGrad(): void;
}
