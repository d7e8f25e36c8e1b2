import { GradiendError } from '../errors.js';

/** Wrong command line (unknown flag, missing argument, unparsable value): exit code 2 with usage. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** An input the CLI itself rejects (output folder not empty, input file of an unknown kind): exit code 1. */
export class CliInputError extends GradiendError {
  readonly code = 'GRADIEND_ERR_CLI_INPUT';
  constructor(
    message: string,
    readonly path?: string,
  ) {
    super(message);
  }
}
