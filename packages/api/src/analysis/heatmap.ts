import type { FloatArray, ImportancePart, ParamMap } from '@gradiend/core';
import { ApiError } from '../errors/api-error.js';
import type { Heatmap } from '../schemas/analysis.js';
import type { HeatmapAgg } from '../schemas/vocabulary.js';

/** 1-D → one row; 2-D as is; ≥3-D → first axis × the rest. */
export function matrixShape(shape: readonly number[]): [number, number] {
  if (shape.length === 0) return [1, 1];
  if (shape.length === 1) return [1, shape[0] ?? 1];
  const rows = shape[0] ?? 1;
  return [rows, shape.slice(1).reduce((a, b) => a * b, 1)];
}

/**
 * A parameter's importance in its own layout, pooled into at most rows × cols cells. Only selected
 * entries contribute; a cell without any is null, and `coverage` is the selected fraction per cell.
 */
export function paramHeatmap(
  paramMap: ParamMap,
  importance: FloatArray,
  options: { param: string; part: ImportancePart; rows: number; cols: number; agg: HeatmapAgg },
): Heatmap {
  const index = paramMap.entries.findIndex((e) => e.name === options.param);
  const entry = paramMap.entries[index];
  if (!entry) {
    throw new ApiError('GRADIEND_ERR_PARAM_NOT_FOUND', `the model has no parameter ${options.param}`, {
      param: options.param,
    });
  }
  const [R, C] = matrixShape(entry.shape);
  const rowBin = Math.ceil(R / Math.min(options.rows, R));
  const colBin = Math.ceil(C / Math.min(options.cols, C));
  const outRows = Math.ceil(R / rowBin);
  const outCols = Math.ceil(C / colBin);
  const cells = outRows * outCols;
  const acc = new Float64Array(cells).fill(options.agg === 'max' ? -Infinity : 0);
  const count = new Float64Array(cells);
  const start = paramMap.inputOffset(index);
  const colCell = new Int32Array(C);
  for (let c = 0; c < C; c++) colCell[c] = Math.floor(c / colBin);
  const byMax = options.agg === 'max';
  // Typed-array hot loops (up to 23 M entries for BERT's word embeddings); `!`: indices in range.
  const add = (cell: number, v: number): void => {
    count[cell]!++;
    if (byMax) {
      if (v > acc[cell]!) acc[cell] = v;
    } else acc[cell]! += v;
  };
  if (entry.repr === 'all') {
    // Every entry selected, in row-major order: no position list needed.
    for (let r = 0; r < R; r++) {
      const rowCell = Math.floor(r / rowBin) * outCols;
      const offset = start + r * C;
      for (let c = 0; c < C; c++) add(rowCell + colCell[c]!, importance[offset + c]!);
    }
  } else {
    const positions = entry.selectedPositions();
    for (let j = 0; j < entry.numSelected; j++) {
      const pos = positions[j]!;
      const r = Math.floor(pos / C);
      add(Math.floor(r / rowBin) * outCols + colCell[pos - r * C]!, importance[start + j]!);
    }
  }
  const values: (number | null)[][] = [];
  const coverage: number[][] = [];
  let min: number | null = null;
  let max: number | null = null;
  for (let r = 0; r < outRows; r++) {
    const rowValues: (number | null)[] = [];
    const rowCoverage: number[] = [];
    const cellRows = Math.min(rowBin, R - r * rowBin);
    for (let c = 0; c < outCols; c++) {
      const cell = r * outCols + c;
      const n = count[cell] ?? 0;
      const size = cellRows * Math.min(colBin, C - c * colBin);
      rowCoverage.push(n / size);
      if (n === 0) {
        rowValues.push(null);
        continue;
      }
      const raw = acc[cell] ?? 0;
      const v = options.agg === 'mean' ? raw / n : raw;
      rowValues.push(v);
      min = min === null ? v : Math.min(min, v);
      max = max === null ? v : Math.max(max, v);
    }
    values.push(rowValues);
    coverage.push(rowCoverage);
  }
  return {
    param: entry.name,
    part: options.part,
    shape: [...entry.shape],
    matrix_shape: [R, C],
    rows: outRows,
    cols: outCols,
    row_bin: rowBin,
    col_bin: colBin,
    agg: options.agg,
    values,
    coverage,
    min,
    max,
  };
}
