export { buildDigitsDemo, DIGITS_DEMO_FILES } from './digits-demo.js';
export type { DemoLog, DigitsDemoSummary } from './digits-demo.js';
export { ensureBuiltInDemos, DEMO_BUILD_VERSION, BERT_EXAMPLE_RECIPE } from './built-in-demos.js';
export type { BuiltInDemo } from './built-in-demos.js';
export { loadMnistPackageDigits, mnistPackageInfo, MNIST_PACKAGE } from './mnist-package.js';
