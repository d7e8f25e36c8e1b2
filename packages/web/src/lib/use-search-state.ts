import { useCallback } from 'react';
import { useSearchParams } from 'react-router';

/**
 * One query-string parameter as state, so every view is a shareable link. The default is not
 * written to the URL; updates replace the history entry (typing in a filter should not flood Back).
 */
export function useSearchState(key: string, fallback: string): [string, (value: string) => void] {
  const [params, setParams] = useSearchParams();
  const value = params.get(key) ?? fallback;
  const set = useCallback(
    (next: string) => {
      setParams(
        (prev) => {
          const out = new URLSearchParams(prev);
          // An emptied field is kept as `key=` so it does not snap back to a non-empty default.
          if (next === fallback) out.delete(key);
          else out.set(key, next);
          return out;
        },
        { replace: true },
      );
    },
    [key, fallback, setParams],
  );
  return [value, set];
}

/** Like useSearchState, restricted to a fixed set of values; anything else in the URL reads as the fallback. */
export function useSearchEnum<T extends string>(
  key: string,
  values: readonly T[],
  fallback: T,
): [T, (value: T) => void] {
  const [raw, set] = useSearchState(key, fallback);
  const value = (values as readonly string[]).includes(raw) ? (raw as T) : fallback;
  return [value, set];
}

export function useSearchFlag(key: string): [boolean, (on: boolean) => void] {
  const [raw, set] = useSearchState(key, '');
  return [raw === '1', (on: boolean) => set(on ? '1' : '')];
}

/**
 * Sets several query parameters in one navigation. Needed because two setters called in the same
 * event each start from the same location, so the second would undo the first.
 */
export function useSearchPatch(): (patch: Record<string, string>) => void {
  const [, setParams] = useSearchParams();
  return useCallback(
    (patch: Record<string, string>) =>
      setParams(
        (prev) => {
          const out = new URLSearchParams(prev);
          for (const [key, value] of Object.entries(patch)) out.set(key, value);
          return out;
        },
        { replace: true },
      ),
    [setParams],
  );
}
