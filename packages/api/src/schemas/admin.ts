import { Type, type Static } from '@sinclair/typebox';
import { Literals } from './common.js';
import { ROLES, TOKEN_NAME_PATTERN } from './vocabulary.js';

export const RoleSchema = Literals(ROLES);
export const TokenName = Type.String({ pattern: TOKEN_NAME_PATTERN });

export const TokenSchema = Type.Object(
  {
    name: Type.String(),
    role: RoleSchema,
    created_at: Type.String(),
    created_by: Type.String(),
    last_used_at: Type.Union([Type.String(), Type.Null()]),
    revoked_at: Type.Union([Type.String(), Type.Null()]),
  },
  { title: 'Token' },
);
export type Token = Static<typeof TokenSchema>;

export const TokenListSchema = Type.Object({ items: Type.Array(TokenSchema) }, { title: 'TokenList' });
export type TokenList = Static<typeof TokenListSchema>;

export const NewTokenBodySchema = Type.Object(
  { name: TokenName, role: RoleSchema },
  { additionalProperties: false },
);

export const CreatedTokenSchema = Type.Object(
  { name: Type.String(), role: RoleSchema, token: Type.String({ description: 'The secret, shown once' }) },
  { title: 'CreatedToken' },
);
export type CreatedToken = Static<typeof CreatedTokenSchema>;
