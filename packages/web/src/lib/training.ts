/** Loss series in a training.json: numeric arrays whose key mentions "loss". */
export function lossSeries(training: Record<string, unknown> | null): { key: string; values: number[] }[] {
  if (!training) return [];
  const out: { key: string; values: number[] }[] = [];
  for (const [key, value] of Object.entries(training)) {
    if (!/loss/i.test(key) || !Array.isArray(value) || value.length < 2) continue;
    if (value.every((v): v is number => typeof v === 'number')) out.push({ key, values: value });
  }
  return out;
}

/** The step of each loss value when the key says how often it was logged (`losses_every_100_steps`). */
export function lossSteps(key: string, count: number): number[] {
  const every = Number(/every_(\d+)/.exec(key)?.[1] ?? 1);
  return Array.from({ length: count }, (_, i) => (i + 1) * every);
}
