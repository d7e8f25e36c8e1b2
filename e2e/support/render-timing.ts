import type { Page } from 'playwright-core';

/**
 * Milliseconds from the end of the API response whose URL contains `urlPart` to the first
 * `gradiend:<mark>` performance mark after it (the app sets it after the view's next paint).
 */
export async function renderTime(page: Page, urlPart: string, mark: string): Promise<number> {
  const handle = await page.waitForFunction(
    ([part, name]) => {
      const resources = performance
        .getEntriesByType('resource')
        .filter((e) => e.name.includes(part)) as PerformanceResourceTiming[];
      const last = resources[resources.length - 1];
      if (!last || last.responseEnd === 0) return null;
      const marks = performance
        .getEntriesByName(`gradiend:${name}`)
        .filter((m) => m.startTime >= last.responseEnd);
      const first = marks[0];
      return first ? first.startTime - last.responseEnd : null;
    },
    [urlPart, mark] as const,
    { timeout: 240_000, polling: 100 },
  );
  return (await handle.jsonValue()) as number;
}
