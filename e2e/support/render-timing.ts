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

/**
 * Milliseconds from the start of a navigation to `url` (a full page load, as a user opening the
 * view) to the first `gradiend:<mark>` performance mark: what the user waits for the visible view,
 * API answer included.
 */
export async function navigationToVisible(page: Page, url: string, mark: string): Promise<number> {
  await page.goto(url);
  const handle = await page.waitForFunction(
    (name) => performance.getEntriesByName(`gradiend:${name}`)[0]?.startTime ?? null,
    mark,
    { timeout: 240_000, polling: 50 },
  );
  return (await handle.jsonValue()) as number;
}
