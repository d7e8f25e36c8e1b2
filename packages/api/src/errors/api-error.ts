import { ERROR_CODES, type ErrorCode } from './error-codes.js';

/** An error the API reports to the client as problem+json; status and title come from ERROR_CODES. */
export class ApiError extends Error {
  readonly status: number;
  readonly title: string;

  constructor(
    readonly code: ErrorCode,
    detail: string,
    /** Extra members for the problem document (e.g. the offending file name). */
    readonly extra: Readonly<Record<string, unknown>> = {},
  ) {
    super(detail);
    this.name = 'ApiError';
    this.status = ERROR_CODES[code].status;
    this.title = ERROR_CODES[code].title;
  }

  /** Fastify reads `statusCode` from thrown errors. */
  get statusCode(): number {
    return this.status;
  }
}
