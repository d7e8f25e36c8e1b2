import { Type, type TSchema } from '@sinclair/typebox';
import { ProblemSchema } from '../errors/problem.js';

export const MODEL_NAME_PATTERN = '^[a-z0-9][a-z0-9._-]{0,99}$';
export const ALIAS_PATTERN = '^[a-z][a-z0-9._-]{0,63}$';

export const ModelName = Type.String({
  pattern: MODEL_NAME_PATTERN,
  description: 'Model name: lowercase slug (letters, digits, ".", "_", "-"), at most 100 characters',
});
export const VersionRefParam = Type.String({
  pattern: '^([0-9]{1,9}|[a-z][a-z0-9._-]{0,63})$',
  description: 'A version number, `latest`, or an alias name',
});
export const Tag = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$' });
/** Longest model or version description, for PATCH bodies and upload fields alike. */
export const MAX_DESCRIPTION_LENGTH = 10_000;
export const Description = Type.String({ maxLength: MAX_DESCRIPTION_LENGTH });
/** A token's name: the one rule for the API and the CLI. */
export const TokenName = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$' });

export const ModelParams = Type.Object({ name: ModelName });
export const VersionParams = Type.Object({ name: ModelName, ref: VersionRefParam });

export const PartQuery = Type.Union(
  [
    Type.Literal('decoder-weight'),
    Type.Literal('encoder-weight'),
    Type.Literal('decoder-bias'),
    Type.Literal('decoder-sum'),
  ],
  { default: 'decoder-weight', description: 'Which weights define importance' },
);

/** Problem responses for the given statuses, so OpenAPI documents every error a route returns. */
export function problems(...statuses: number[]): Record<number, TSchema> {
  const out: Record<number, TSchema> = {};
  for (const status of statuses) out[status] = ProblemSchema;
  return out;
}

export const JsonObject = Type.Record(Type.String(), Type.Unknown());
