import { describe, expect, it } from 'vitest';
import { groupByLayer, layerPrefix } from './layer-groups';

describe('layerPrefix', () => {
  it.each([
    ['bert.encoder.layer.3.attention.self.query.weight', 'bert.encoder.layer.3'],
    ['bert.encoder.layer.11.output.LayerNorm.bias', 'bert.encoder.layer.11'],
    ['bert.embeddings.word_embeddings.weight', 'bert.embeddings'],
    ['bert.embeddings.LayerNorm.weight', 'bert.embeddings'],
    ['fc1.weight', 'fc1'],
    ['layers.0.weight', 'layers.0'],
    ['bias', 'bias'],
  ])('%s → %s', (name, prefix) => expect(layerPrefix(name)).toBe(prefix));
});

describe('groupByLayer', () => {
  it('sums importance per layer and shares the mass like an independent reduction', () => {
    const rows = [
      { name: 'bert.embeddings.word_embeddings.weight', importance_sum: 6, selected: 10, numel: 20 },
      { name: 'bert.encoder.layer.0.attention.self.query.weight', importance_sum: 1, selected: 4, numel: 4 },
      { name: 'bert.encoder.layer.0.output.dense.bias', importance_sum: 1, selected: 2, numel: 2 },
      { name: 'bert.embeddings.LayerNorm.bias', importance_sum: 0, selected: 0, numel: 3 },
      { name: 'bert.encoder.layer.1.output.dense.weight', importance_sum: 2, selected: 5, numel: 8 },
    ];
    const groups = groupByLayer(rows);
    expect(groups.map((g) => g.prefix)).toEqual([
      'bert.embeddings',
      'bert.encoder.layer.0',
      'bert.encoder.layer.1',
    ]);

    const total = rows.reduce((s, r) => s + r.importance_sum, 0);
    for (const g of groups) {
      const members = rows.filter((r) => layerPrefix(r.name) === g.prefix);
      const sum = members.reduce((s, r) => s + r.importance_sum, 0);
      expect(g.importanceSum).toBe(sum);
      expect(g.mass).toBeCloseTo(sum / total, 12);
      expect(g.params).toBe(members.length);
      expect(g.selected).toBe(members.reduce((s, r) => s + r.selected, 0));
      expect(g.numel).toBe(members.reduce((s, r) => s + r.numel, 0));
    }
    expect(groups.reduce((s, g) => s + g.mass, 0)).toBeCloseTo(1, 12);
  });

  it('gives zero mass (not NaN) when nothing is important', () => {
    const groups = groupByLayer([{ name: 'a.weight', importance_sum: 0, selected: 0, numel: 1 }]);
    expect(groups[0]?.mass).toBe(0);
  });
});
