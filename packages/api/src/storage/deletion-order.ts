/**
 * The versions a cascading delete removes, children before parents, each once: a breadth-first
 * walk from the root, reversed (a version is always found after its parent, so reversing puts it
 * before). Iterative and with a visited set, so neither a deep lineage nor a cycle (which older
 * SQLite registries could hold, see migration 5) overflows the stack or loops.
 */
export function deletionOrder<N extends { readonly id: number }>(
  root: N,
  childrenOf: (id: number) => readonly N[],
): N[] {
  const seen = new Set([root.id]);
  const order = [root];
  for (let i = 0; i < order.length; i++) {
    for (const child of childrenOf((order[i] as N).id)) {
      if (seen.has(child.id)) continue;
      seen.add(child.id);
      order.push(child);
    }
  }
  return order.reverse();
}

/** `deletionOrder` for stores whose queries are asynchronous. */
export async function deletionOrderAsync<N extends { readonly id: number }>(
  root: N,
  childrenOf: (id: number) => Promise<readonly N[]>,
): Promise<N[]> {
  const seen = new Set([root.id]);
  const order = [root];
  for (let i = 0; i < order.length; i++) {
    for (const child of await childrenOf((order[i] as N).id)) {
      if (seen.has(child.id)) continue;
      seen.add(child.id);
      order.push(child);
    }
  }
  return order.reverse();
}
