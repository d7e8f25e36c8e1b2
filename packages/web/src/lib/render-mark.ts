import { useEffect } from 'react';

/** Marks a view as rendered (after the next paint) so the e2e run can time it from the API answer. */
export function markRendered(name: string): void {
  requestAnimationFrame(() => performance.mark(`gradiend:${name}`));
}

/**
 * Leaves a `gradiend:commit:<name>` performance mark after every commit of the calling component,
 * so the e2e run can tell an idle page from one stuck in a re-render loop.
 */
export function useCommitMark(name: string): void {
  useEffect(() => {
    performance.mark(`gradiend:commit:${name}`);
  });
}
