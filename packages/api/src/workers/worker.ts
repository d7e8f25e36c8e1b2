import { move, transferableSymbol, valueSymbol } from 'piscina';
import { collectGarbage } from './collect-garbage.js';
import { ownBuffer } from './own-buffer.js';
import { contextFromFlag, settleTask, type TaskOutcome } from './task-runner.js';
import { taskHandlers } from './task-handlers.js';
import type { TaskName } from './task-types.js';

/**
 * Tasks whose result is a fresh array nothing else on this thread keeps: it moves to the main
 * thread instead of being copied there (a copy of a large decode would block the event loop).
 */
const MOVED_RESULTS: ReadonlySet<TaskName> = new Set(['onnxRun', 'flattenGradients', 'expandDecoded']);

/** Tasks on models stored in more bytes than this collect their garbage before they report back. */
const COLLECT_AFTER_BYTES = 64 * 1024 * 1024;

/** The stored size of the models a task names (one handle, or `a` and `b` for compare). */
function storedBytes(args: unknown): number {
  if (args === null || typeof args !== 'object') return 0;
  const { storedBytes: own, a, b } = args as { storedBytes?: unknown; a?: unknown; b?: unknown };
  return (typeof own === 'number' ? own : 0) + (a ? storedBytes(a) : 0) + (b ? storedBytes(b) : 0);
}

/** Piscina entry point: dispatches one task and reports failures as data (see SerializedTaskError). */
export default async function runTask(message: {
  name: TaskName;
  args: never;
  /** Set to 1 by the caller when its request is cancelled (see abortFlag). */
  abort?: Int32Array;
}): Promise<TaskOutcome<unknown> | ReturnType<typeof move>> {
  try {
    const outcome = await settleTask(
      taskHandlers,
      message.name,
      message.args,
      contextFromFlag(message.abort),
    );
    const value = outcome.ok ? outcome.value : undefined;
    const transfer = MOVED_RESULTS.has(message.name) && ArrayBuffer.isView(value) ? ownBuffer(value) : [];
    return transfer.length > 0 ? move({ [transferableSymbol]: transfer, [valueSymbol]: outcome }) : outcome;
  } finally {
    // Before the memory budget takes this task's share back (see collect-garbage.ts).
    if (storedBytes(message.args) > COLLECT_AFTER_BYTES) collectGarbage();
  }
}
