import { move, transferableSymbol, valueSymbol } from 'piscina';
import { ownBuffer } from './own-buffer.js';
import { settleTask, type TaskOutcome } from './task-runner.js';
import { taskHandlers } from './task-handlers.js';
import type { TaskName } from './task-types.js';

/**
 * Tasks whose result is a fresh array nothing else on this thread keeps: it moves to the main
 * thread instead of being copied there (a copy of a large decode would block the event loop).
 */
const MOVED_RESULTS: ReadonlySet<TaskName> = new Set(['onnxRun', 'flattenGradients', 'expandDecoded']);

/** Piscina entry point: dispatches one task and reports failures as data (see SerializedTaskError). */
export default async function runTask(message: {
  name: TaskName;
  args: never;
}): Promise<TaskOutcome<unknown> | ReturnType<typeof move>> {
  const outcome = await settleTask(taskHandlers, message.name, message.args);
  const value = outcome.ok ? outcome.value : undefined;
  const transfer = MOVED_RESULTS.has(message.name) && ArrayBuffer.isView(value) ? ownBuffer(value) : [];
  return transfer.length > 0 ? move({ [transferableSymbol]: transfer, [valueSymbol]: outcome }) : outcome;
}
