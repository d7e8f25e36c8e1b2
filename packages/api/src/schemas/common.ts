import { IMPORTANCE_PARTS } from '@gradiend/core';
import { Type, type SchemaOptions, type TLiteral, type TSchema, type TUnion } from '@sinclair/typebox';
import type { ProblemFields } from '../errors/problem.js';
import {
  MAX_DESCRIPTION_LENGTH,
  MAX_FILE_NAME_LENGTH,
  MAX_TAGS,
  MODEL_NAME_PATTERN,
  TAG_PATTERN,
  VERSION_REF_PATTERN,
} from './vocabulary.js';

export { ALIAS_PATTERN, MAX_DESCRIPTION_LENGTH, MODEL_NAME_PATTERN, TAG_PATTERN } from './vocabulary.js';

/** A union of string literals from one list (the list stays the single source of the names). */
export function Literals<const T extends readonly string[]>(
  values: T,
  options?: SchemaOptions,
): TUnion<TLiteral<T[number]>[]> {
  return Type.Union(
    values.map((v) => Type.Literal(v)),
    options,
  );
}

export const ModelName = Type.String({
  pattern: MODEL_NAME_PATTERN,
  description: 'Model name: lowercase slug (letters, digits, ".", "_", "-"), at most 100 characters',
});
export const VersionRefParam = Type.String({
  pattern: VERSION_REF_PATTERN,
  description: 'A version number, `latest`, or an alias name',
});
export const Tag = Type.String({ pattern: TAG_PATTERN });
/** A PATCH body's tag list (an upload's `tags` field follows the same rule). */
export const Tags = Type.Array(Tag, { maxItems: MAX_TAGS });
export const Description = Type.String({ maxLength: MAX_DESCRIPTION_LENGTH });
/** A checkpoint file's name in a path (what an upload may store; see CHECKPOINT_FILE_PATTERN). */
export const FileName = Type.String({
  maxLength: MAX_FILE_NAME_LENGTH,
  description: `A checkpoint file name, at most ${MAX_FILE_NAME_LENGTH} characters`,
});

export const ModelParams = Type.Object({ name: ModelName });
export const VersionParams = Type.Object({ name: ModelName, ref: VersionRefParam });

/** Which weights define importance (the core's list). */
export const ImportancePartSchema = Literals(IMPORTANCE_PARTS);
export const PartQuery = Literals(IMPORTANCE_PARTS, {
  default: 'decoder-weight',
  description: 'Which weights define importance',
});

/**
 * The shared problem document (app.ts registers ProblemSchema under its $id), so OpenAPI holds it
 * once under components.schemas.
 */
const ProblemRef = Type.Unsafe<ProblemFields>(Type.Ref('Problem'));

/** Problem responses for the given statuses, so OpenAPI documents every error a route returns. */
export function problems(...statuses: number[]): Record<number, TSchema> {
  const out: Record<number, TSchema> = {};
  for (const status of statuses) out[status] = ProblemRef;
  return out;
}

/** A JSON object whose members the API passes through as the checkpoint wrote them. */
export const JsonObject = Type.Record(Type.String(), Type.Unknown());
