/** The lineage fields of a version. */
export interface LineageVersion {
  readonly name: string;
  readonly version: number;
  readonly parent: { readonly name: string; readonly version: number } | null;
}

export interface LineageNode<V extends LineageVersion> {
  readonly version: V;
  readonly children: LineageNode<V>[];
}

/**
 * Versions of one model as a forest: a version whose parent is another version of the same model
 * hangs under it; uploads and versions pruned from other models are roots. Ordered by number.
 */
export function buildLineage<V extends LineageVersion>(versions: readonly V[]): LineageNode<V>[] {
  const sorted = [...versions].sort((a, b) => a.version - b.version);
  const nodes = new Map<number, LineageNode<V>>();
  for (const v of sorted) nodes.set(v.version, { version: v, children: [] });
  const roots: LineageNode<V>[] = [];
  for (const v of sorted) {
    const node = nodes.get(v.version);
    if (!node) continue;
    const parent = v.parent && v.parent.name === v.name ? nodes.get(v.parent.version) : undefined;
    if (parent) parent.children.push(node);
    else roots.push(node);
  }
  return roots;
}
