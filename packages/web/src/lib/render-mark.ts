/** Marks a view as rendered (after the next paint) so the e2e run can time it from the API answer. */
export function markRendered(name: string): void {
  requestAnimationFrame(() => performance.mark(`gradiend:${name}`));
}
