/** Where a command writes: process.stdout/stderr in the binary, string buffers in tests. */
export interface CliWriter {
  write(chunk: string): unknown;
}

export interface CliIo {
  readonly stdout: CliWriter;
  readonly stderr: CliWriter;
}

export function writeLine(w: CliWriter, line = ''): void {
  w.write(`${line}\n`);
}

/** The single JSON document a `--json` run prints on stdout. */
export function writeJson(w: CliWriter, value: unknown): void {
  w.write(`${JSON.stringify(value, null, 2)}\n`);
}
