import { describe, expect, it } from 'vitest';
import { cellExtent, heatmapZ, moveCell } from './heatmap-cells';

describe('heatmap cells', () => {
  it('maps a pooled cell back to the entries it covers, clipped at the edge', () => {
    const h = { row_bin: 120, col_bin: 3, matrix_shape: [30522, 768] as [number, number] };
    expect(cellExtent(h, { row: 0, col: 0 })).toEqual({ rows: [0, 119], cols: [0, 2] });
    expect(cellExtent(h, { row: 254, col: 255 })).toEqual({ rows: [30480, 30521], cols: [765, 767] });
  });

  it('moves with arrow keys inside the grid; the first key selects the origin', () => {
    expect(moveCell(null, 'ArrowDown', 4, 4)).toEqual({ row: 0, col: 0 });
    expect(moveCell({ row: 0, col: 0 }, 'ArrowUp', 4, 4)).toEqual({ row: 0, col: 0 });
    expect(moveCell({ row: 1, col: 1 }, 'ArrowRight', 4, 4, 10)).toEqual({ row: 1, col: 3 });
    expect(moveCell({ row: 1, col: 1 }, 'End', 4, 5)).toEqual({ row: 3, col: 4 });
    expect(moveCell({ row: 1, col: 1 }, 'x', 4, 4)).toBeNull();
  });

  it('log view takes log10 and treats non-positive values like unselected cells', () => {
    expect(heatmapZ({ values: [[100, 0, null, 0.001]] }, true)).toEqual([[2, null, null, -3]]);
    const values = [[1, null]];
    expect(heatmapZ({ values }, false)).toBe(values);
  });
});
