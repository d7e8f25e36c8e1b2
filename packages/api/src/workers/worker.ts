import { serializeTaskError, type TaskOutcome } from './task-runner.js';
import { taskHandlers } from './task-handlers.js';
import type { TaskName } from './task-types.js';

/** Piscina entry point: dispatches one task and reports failures as data (see SerializedTaskError). */
export default async function runTask(message: {
  name: TaskName;
  args: never;
}): Promise<TaskOutcome<unknown>> {
  try {
    const handler = taskHandlers[message.name] as (args: never) => unknown;
    return { ok: true, value: await handler(message.args) };
  } catch (error) {
    return { ok: false, error: serializeTaskError(error) };
  }
}
