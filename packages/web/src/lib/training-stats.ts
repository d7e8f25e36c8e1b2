/**
 * The step statistics of a reference-layout training.json (`training_stats`: per evaluated step the
 * correlation score, the mean encoding by class, encoder/decoder weight norms; and
 * `best_score_checkpoint`). Steps are the object keys, as the trainer writes them.
 */
export interface StepSeries {
  readonly name: string;
  readonly steps: number[];
  readonly values: number[];
}

export interface TrainingStats {
  readonly scores: StepSeries | null;
  readonly classMeans: StepSeries[];
  readonly norms: StepSeries[];
  readonly best: { step: number; correlation: number | null } | null;
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * `{ "<step>": number }` → a series sorted by step; null when nothing numeric is there. Older
 * training.json files hold the norms as a list: entry i is step i + 1, as the reference's loader reads it.
 */
function stepSeries(name: string, raw: unknown): StepSeries | null {
  const value = Array.isArray(raw) ? Object.fromEntries(raw.map((v: unknown, i) => [String(i + 1), v])) : raw;
  if (!isObject(value)) return null;
  const points = Object.entries(value)
    .map(([k, v]) => [Number(k), v] as const)
    .filter((p): p is readonly [number, number] => Number.isFinite(p[0]) && typeof p[1] === 'number')
    .sort((a, b) => a[0] - b[0]);
  if (points.length === 0) return null;
  return { name, steps: points.map((p) => p[0]), values: points.map((p) => p[1]) };
}

/** `{ "<step>": { "<class>": number } }` → one series per class, classes named when a name map is given. */
function classSeries(value: unknown, names: Json): StepSeries[] {
  if (!isObject(value)) return [];
  const perClass = new Map<string, Json>();
  for (const [step, byClass] of Object.entries(value)) {
    if (!isObject(byClass)) continue;
    for (const [cls, mean] of Object.entries(byClass)) {
      const row = perClass.get(cls) ?? {};
      row[step] = mean;
      perClass.set(cls, row);
    }
  }
  return [...perClass.entries()]
    .map(([cls, row]) => {
      const named = typeof names[cls] === 'string' ? `${String(names[cls])} (label ${cls})` : cls;
      return stepSeries(`mean ${named}`, row);
    })
    .filter((s): s is StepSeries => s !== null)
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The step statistics of a training.json, or null when it has none (e.g. the reference demo's compact file). */
export function trainingStats(training: Record<string, unknown> | null): TrainingStats | null {
  const stats = training?.training_stats;
  if (!isObject(stats)) return null;
  const names = isObject(stats.label_value_to_class_name) ? stats.label_value_to_class_name : {};
  const byLabel = classSeries(stats.mean_by_class, names);
  const byFeatureClass = classSeries(stats.mean_by_feature_class, {});
  const norms = [
    stepSeries('encoder norm', stats.encoder_norms),
    stepSeries('decoder norm', stats.decoder_norms),
  ].filter((s): s is StepSeries => s !== null);
  const scores = stepSeries('correlation', stats.scores);
  const bestRaw = training?.best_score_checkpoint;
  const best =
    isObject(bestRaw) && typeof bestRaw.global_step === 'number'
      ? {
          step: bestRaw.global_step,
          correlation: typeof bestRaw.correlation === 'number' ? bestRaw.correlation : null,
        }
      : null;
  const classMeans = byLabel.length > 0 ? byLabel : byFeatureClass;
  if (!scores && classMeans.length === 0 && norms.length === 0) return null;
  return { scores, classMeans, norms, best };
}
