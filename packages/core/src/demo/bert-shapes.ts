/** Sizes of a BERT encoder; `bertBaseDims(1)` is bert-base-uncased. */
export interface BertDims {
  readonly vocab: number;
  readonly positions: number;
  readonly tokenTypes: number;
  readonly hidden: number;
  readonly intermediate: number;
  readonly layers: number;
}

/**
 * bert-base-uncased, optionally shrunk: `shrink` 8 divides the widths by 8, so the big matrices
 * (and the input dimension) come out about 1/64 of the real size.
 */
export function bertBaseDims(shrink = 1): BertDims {
  return {
    vocab: Math.ceil(30522 / shrink),
    positions: 512 / shrink,
    tokenTypes: 2,
    hidden: 768 / shrink,
    intermediate: 3072 / shrink,
    layers: 12,
  };
}

/** The input dimension of a GRADIEND over all bert-base-uncased encoder parameters (issue 2). */
export const BERT_BASE_INPUT_DIM = 108_891_648;

/**
 * The parameters of HuggingFace's BertModel state dict under the `bert.` prefix, in state-dict
 * order. The pooler is left out: the 108,891,648 input dims are exactly the embeddings
 * plus the 12 layers (with the pooler's 590,592 the total would be 109,482,240).
 */
export function bertEncoderParams(d: BertDims): Array<readonly [string, readonly number[]]> {
  const h = d.hidden;
  const params: Array<readonly [string, readonly number[]]> = [
    ['bert.embeddings.word_embeddings.weight', [d.vocab, h]],
    ['bert.embeddings.position_embeddings.weight', [d.positions, h]],
    ['bert.embeddings.token_type_embeddings.weight', [d.tokenTypes, h]],
    ['bert.embeddings.LayerNorm.weight', [h]],
    ['bert.embeddings.LayerNorm.bias', [h]],
  ];
  for (let l = 0; l < d.layers; l++) {
    const p = `bert.encoder.layer.${l}`;
    for (const m of ['query', 'key', 'value']) {
      params.push([`${p}.attention.self.${m}.weight`, [h, h]], [`${p}.attention.self.${m}.bias`, [h]]);
    }
    params.push(
      [`${p}.attention.output.dense.weight`, [h, h]],
      [`${p}.attention.output.dense.bias`, [h]],
      [`${p}.attention.output.LayerNorm.weight`, [h]],
      [`${p}.attention.output.LayerNorm.bias`, [h]],
      [`${p}.intermediate.dense.weight`, [d.intermediate, h]],
      [`${p}.intermediate.dense.bias`, [d.intermediate]],
      [`${p}.output.dense.weight`, [h, d.intermediate]],
      [`${p}.output.dense.bias`, [h]],
      [`${p}.output.LayerNorm.weight`, [h]],
      [`${p}.output.LayerNorm.bias`, [h]],
    );
  }
  return params;
}
