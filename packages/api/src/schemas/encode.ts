import { Type, type Static } from '@sinclair/typebox';

export const EncodeResultSchema = Type.Object(
  {
    encoded: Type.Array(Type.Array(Type.Number()), { description: 'batch × latent_dim' }),
    latent_dim: Type.Integer(),
    batch: Type.Integer(),
  },
  { title: 'EncodeResult' },
);
export type EncodeResult = Static<typeof EncodeResultSchema>;

export const DecodeBodySchema = Type.Object(
  { latent: Type.Array(Type.Array(Type.Number()), { minItems: 1, maxItems: 4096 }) },
  { title: 'DecodeBody' },
);
export type DecodeBody = Static<typeof DecodeBodySchema>;
