import { describe, expect, it } from 'vitest';
import { buildLineage } from './lineage';

describe('buildLineage', () => {
  it('hangs pruned versions under their parent and keeps cross-model parents as roots', () => {
    const v = (version: number, parent: [string, number] | null, name = 'm') => ({
      name,
      version,
      parent: parent ? { name: parent[0], version: parent[1] } : null,
    });
    const tree = buildLineage([
      v(3, ['m', 2]),
      v(1, null),
      v(2, ['m', 1]),
      v(4, ['m', 1]),
      v(5, ['other', 7]),
    ]);
    const shape = (nodes: ReturnType<typeof buildLineage>): unknown =>
      nodes.map((n) => [n.version.version, shape(n.children)]);
    expect(shape(tree)).toEqual([
      [
        1,
        [
          [2, [[3, []]]],
          [4, []],
        ],
      ],
      [5, []],
    ]);
  });
});
