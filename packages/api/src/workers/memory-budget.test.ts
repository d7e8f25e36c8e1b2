import { describe, expect, it } from 'vitest';
import { ApiError } from '../errors/api-error.js';
import { MemoryBudget } from './memory-budget.js';

const settle = () => new Promise((r) => setImmediate(r));

async function rejection(promise: Promise<unknown>): Promise<ApiError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

describe('MemoryBudget', () => {
  it('runs tasks together while they fit and queues the rest in order', async () => {
    const budget = new MemoryBudget(100, 10, 0);
    const a = await budget.acquire(60);
    const b = await budget.acquire(40);
    expect(budget.state()).toMatchObject({ used: 100, running: 2, waiting: 0 });
    const order: string[] = [];
    const c = budget.acquire(50).then((release) => (order.push('c'), release));
    // d would fit next to a once b is gone, but c came first: no overtaking.
    const d = budget.acquire(10).then((release) => (order.push('d'), release));
    await settle();
    expect(budget.state().waiting).toBe(2);
    b();
    await settle();
    expect(order).toEqual([]);
    a();
    await settle();
    expect(order).toEqual(['c', 'd']);
    expect(budget.state()).toMatchObject({ used: 60, running: 2, waiting: 0 });
    (await c)();
    (await d)();
    expect(budget.state()).toMatchObject({ used: 0, running: 0 });
  });

  it('charges held bytes: tasks fit into the rest and resume when the hold is given back', async () => {
    const budget = new MemoryBudget(100, 10, 0);
    const hold = budget.hold(70);
    const small = await budget.acquire(30);
    expect(budget.state()).toMatchObject({ used: 100, running: 1 });
    let granted = false;
    const big = budget.acquire(40).then((release) => ((granted = true), release));
    await settle();
    expect(granted).toBe(false);
    hold();
    hold(); // a second call gives nothing back twice
    await settle();
    expect(granted).toBe(true);
    expect(budget.state()).toMatchObject({ used: 70, running: 2 });
    small();
    (await big)();
    expect(budget.state()).toMatchObject({ used: 0, running: 0 });
  });

  it('lets a task larger than the whole budget run alone', async () => {
    const budget = new MemoryBudget(100, 10, 0);
    const small = await budget.acquire(10);
    let started = false;
    const huge = budget.acquire(1e12).then((release) => ((started = true), release));
    await settle();
    expect(started).toBe(false);
    small();
    const release = await huge;
    expect(budget.state()).toMatchObject({ used: 100, running: 1 });
    release();
    release(); // giving back twice is harmless
    expect(budget.state().used).toBe(0);
  });

  it('answers 503 with retry_after when the queue is full', async () => {
    const budget = new MemoryBudget(100, 1, 0, 3);
    await budget.acquire(100);
    const waiting = budget.acquire(1);
    const error = await rejection(budget.acquire(1));
    expect(error).toMatchObject({ status: 503, code: 'GRADIEND_ERR_SERVER_BUSY', extra: { retry_after: 3 } });
    expect(budget.state().waiting).toBe(1);
    void waiting;
  });

  it('answers 503 when a task waited too long, and serves the next one', async () => {
    const budget = new MemoryBudget(100, 10, 20);
    const first = await budget.acquire(80);
    const error = await rejection(budget.acquire(50));
    expect(error.code).toBe('GRADIEND_ERR_SERVER_BUSY');
    expect(budget.state().waiting).toBe(0);
    first();
    const next = await budget.acquire(50);
    expect(budget.state().used).toBe(50);
    next();
  });
});
