import { describe, expect, it } from 'vitest';
import { deletionOrder, deletionOrderAsync } from './deletion-order.js';

const node = (id: number) => ({ id });

describe('deletionOrder', () => {
  const edges: Record<number, number[]> = { 1: [2, 3], 2: [4], 3: [4], 4: [1, 4] };
  const children = (id: number) => (edges[id] ?? []).map(node);

  it('visits each version once, children before parents, through cycles and self-loops', async () => {
    for (const order of [
      deletionOrder(node(1), children),
      await deletionOrderAsync(node(1), async (id) => children(id)),
    ]) {
      const ids = order.map((n) => n.id);
      expect([...ids].sort()).toEqual([1, 2, 3, 4]);
      expect(ids.at(-1)).toBe(1);
      expect(ids.indexOf(2)).toBeGreaterThan(ids.indexOf(4));
    }
  });

  it('walks a lineage far deeper than the call stack', () => {
    const depth = 200_000;
    const order = deletionOrder(node(0), (id) => (id < depth ? [node(id + 1)] : []));
    expect(order).toHaveLength(depth + 1);
    expect(order[0]?.id).toBe(depth);
  });
});
