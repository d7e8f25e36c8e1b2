// A worker entry for the pool tests: the real worker, except that a handle whose key is `oom`
// exhausts the V8 heap (as boxing 10^8 numbers would) and `exit` ends the thread.
import runTask from '../workers/worker.js';

export default async function crashingRunTask(message: { name: never; args: never }): Promise<unknown> {
  const key = (message.args as { key?: string }).key;
  if (key === 'oom') {
    const boxed: { i: number }[] = [];
    for (let i = 0; ; i++) boxed.push({ i });
  }
  if (key === 'exit') process.exit(3);
  return runTask(message);
}
