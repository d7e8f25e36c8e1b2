import type { TaskArgs, TaskName, TaskResult } from './task-types.js';

export type TaskHandlers = { [K in TaskName]: (args: TaskArgs<K>) => Promise<TaskResult<K>> | TaskResult<K> };
