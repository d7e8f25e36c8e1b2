import v8 from 'node:v8';
import vm from 'node:vm';

/**
 * A full garbage collection of this thread's isolate. Large typed arrays are freed only when their
 * isolate collects, and an idle worker does not: without this, a worker that just finished a task
 * on a BERT-sized model would keep ~2 GB of garbage while the memory budget hands that memory to
 * the next task on another worker.
 */
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

export function collectGarbage(): void {
  gc();
}
