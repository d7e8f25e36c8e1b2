import type { TaskContext } from './task-runner.js';
import type { TaskArgs, TaskName, TaskResult } from './task-types.js';

export type TaskHandlers = {
  [K in TaskName]: (args: TaskArgs<K>, context: TaskContext) => Promise<TaskResult<K>> | TaskResult<K>;
};
