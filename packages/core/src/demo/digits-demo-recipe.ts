/**
 * Every choice that shapes the built-in digits demo. Changing any value changes the demo, so the
 * cache key (demo-cache.ts) hashes this object.
 */
export const DIGITS_DEMO_RECIPE = {
  /** Images are downsampled from the package's 28×28 to 8×8, the reference demo's UCI layout. */
  side: 8,
  /** Digits held out from all training (base model and GRADIEND), chosen by a seeded shuffle. */
  testCount: 2000,
  splitSeed: 13,
  base: { layerSizes: [64, 32, 10], seed: 1, epochs: 12, batchSize: 32, learningRate: 8e-3, trainSeed: 2 },
  /** The feature: factual class → +1, the other → −1 (the reference's pair order). */
  classes: ['3', '8'],
  /** Training 3s and 8s kept out of GRADIEND training to pick its best checkpoint, per class. */
  validationPerClass: 100,
  gradiend: {
    source: 'factual',
    target: 'diff',
    learningRate: 1e-3,
    maxSteps: 1500,
    evalSteps: 250,
    batchSize: 1,
    seed: 0,
    inputScale: 1,
  },
  /** Held-out samples written to gradients/ per class. */
  samplesPerClass: 24,
} as const;

export const DIGITS_BASE_MODEL_ID = 'mnist-8x8-mlp-64-32-10';
export const DIGITS_GRADIEND_DIR = 'gradiend-digits-3-vs-8';
