import type { Locator, Page } from 'playwright-core';

/**
 * Moves the mouse onto cell (row, col) of the matrix heatmap as a user would: from nearby, in
 * steps (plotly reads hover from mousemove, one jump can miss it). The cell's centre comes from the
 * plot's own axes: plotly maps a category index to pixels with `l2p`, offset by the axis position.
 * Returns the point it moved to (for error messages).
 */
async function hoverMatrixCell(page: Page, row: number, col: number): Promise<{ x: number; y: number }> {
  const target = await page.$eval(
    '[data-testid=matrix-heatmap] .js-plotly-plot',
    (el, [r, c]) => {
      type Axis = { l2p(v: number): number; _offset: number };
      const layout = (el as unknown as { _fullLayout: { xaxis: Axis; yaxis: Axis } })._fullLayout;
      const box = el.getBoundingClientRect();
      return {
        x: box.left + layout.xaxis._offset + layout.xaxis.l2p(c as number),
        y: box.top + layout.yaxis._offset + layout.yaxis.l2p(r as number),
      };
    },
    [row, col] as const,
  );
  await page.mouse.move(target.x - 30, target.y - 30);
  await page.mouse.move(target.x, target.y, { steps: 8 });
  return target;
}

/**
 * Hovers cell (row, col) and waits for the view's readout of that cell (`matrix-readout` with its
 * row and column); fails naming the point hovered and what the readout shows instead.
 */
export async function readMatrixCell(page: Page, row: number, col: number): Promise<Locator> {
  const target = await hoverMatrixCell(page, row, col);
  const readout = page.locator(`[data-testid=matrix-readout][data-row="${row}"][data-col="${col}"]`);
  await readout.waitFor({ timeout: 10_000 }).catch(async (e: unknown) => {
    const shown = await page.getByTestId('matrix-readout').evaluate((o) => o.outerHTML);
    throw new Error(`no readout for (${row}, ${col}) at ${JSON.stringify(target)}; shown: ${shown}`, {
      cause: e,
    });
  });
  return readout;
}
