import type { Problem } from './contract';

/** A failed API call, carrying the server's problem document (or one made up for a network failure). */
export class ApiProblemError extends Error {
  readonly problem: Problem;

  constructor(problem: Problem) {
    super(problem.detail || problem.title);
    this.name = 'ApiProblemError';
    this.problem = problem;
  }

  get status(): number {
    return this.problem.status;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads a problem+json body; falls back to the raw text so a proxy's HTML error still says something. */
export function parseProblem(status: number, statusText: string, body: string): Problem {
  try {
    const json: unknown = JSON.parse(body);
    if (isRecord(json) && typeof json.title === 'string') {
      return {
        ...json,
        type: typeof json.type === 'string' ? json.type : 'about:blank',
        title: json.title,
        status: typeof json.status === 'number' ? json.status : status,
        detail: typeof json.detail === 'string' ? json.detail : '',
      };
    }
  } catch {
    // not JSON: handled below
  }
  return {
    type: 'about:blank',
    title: statusText || `HTTP ${status}`,
    status,
    detail: body.trim().slice(0, 500),
  };
}

export function networkProblem(error: unknown): Problem {
  return {
    type: 'about:blank',
    title: 'Network error',
    status: 0,
    detail: error instanceof Error ? error.message : 'the server could not be reached',
  };
}

export function problemOf(error: unknown): Problem {
  return error instanceof ApiProblemError ? error.problem : networkProblem(error);
}
