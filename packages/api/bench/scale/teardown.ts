/**
 * Cleanup steps run last-in-first-out, once, whichever comes first: the normal `finally`, a signal
 * or the overall deadline. A failing step does not stop the ones after it.
 */
export class Teardown {
  private readonly steps: { readonly name: string; readonly run: () => Promise<void> }[] = [];
  private done: Promise<string[]> | undefined;

  add(name: string, run: () => Promise<void>): void {
    this.steps.push({ name, run });
  }

  /** Resolves to the failures, one line per failed step. */
  run(): Promise<string[]> {
    this.done ??= (async () => {
      const failures: string[] = [];
      for (const step of [...this.steps].reverse()) {
        try {
          await step.run();
        } catch (error) {
          failures.push(`${step.name}: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
      return failures;
    })();
    return this.done;
  }
}
