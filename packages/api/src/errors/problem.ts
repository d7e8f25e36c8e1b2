import { Type, type Static } from '@sinclair/typebox';
import { ERROR_CODES, isErrorCode, type ErrorCode } from './error-codes.js';
import { ApiError } from './api-error.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    code: Type.String(),
    instance: Type.Optional(Type.String()),
  },
  { $id: 'Problem', title: 'Problem', additionalProperties: true },
);

/** The members every problem document has. */
export type ProblemFields = Static<typeof ProblemSchema>;
/** A problem document: the fixed members plus extras such as `file`, `rule` or `core_code`. */
export type Problem = ProblemFields & Record<string, unknown>;

export function problemType(code: string): string {
  return `urn:gradiend:problem:${code
    .replace(/^GRADIEND_ERR_/, '')
    .toLowerCase()
    .replaceAll('_', '-')}`;
}

export function problemFor(code: ErrorCode, detail: string, extra: Record<string, unknown> = {}): Problem {
  const { status, title } = ERROR_CODES[code];
  return { ...extra, type: problemType(code), title, status, detail, code };
}

interface CoreLikeError {
  readonly code: string;
  readonly message: string;
  readonly name: string;
}

function isCoreError(error: unknown): error is CoreLikeError {
  if (!(error instanceof Error)) return false;
  const code: unknown = (error as Error & { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('GRADIEND_ERR_');
}

/** Fields of core errors that help the client (the offending file or tensor), copied into problems. */
export const CORE_PROBLEM_FIELDS = ['rule', 'tensor', 'file', 'param'] as const;

function coreExtra(error: Error): Record<string, unknown> {
  const extra: Record<string, unknown> = {};
  for (const key of CORE_PROBLEM_FIELDS) {
    const value = (error as unknown as Record<string, unknown>)[key];
    if (typeof value === 'string') extra[key] = value;
  }
  return extra;
}

/** Maps ApiError and core GradiendError (by code) to a problem document; null for anything else. */
export function toKnownProblem(error: unknown): Problem | null {
  if (error instanceof ApiError) return problemFor(error.code, error.message, { ...error.extra });
  if (isCoreError(error)) {
    const code: ErrorCode = isErrorCode(error.code) ? error.code : 'GRADIEND_ERR_CORE';
    const extra = coreExtra(error as unknown as Error);
    if (code === 'GRADIEND_ERR_CORE') extra.core_code = error.code;
    return problemFor(code, error.message, extra);
  }
  return null;
}
