// pnpm bench compare [--json] [--small]: similarity matrix of the unpruned synthetic BERT-base
// GRADIEND and two 1 %-pruned ones (different parts), cosine on all coordinates, as issue 15 asks
// (target ≤ 3 s for the matrix). Run with --expose-gc (scripts/bench.ts does).
import { similarityMatrix } from '../src/index.js';
import { loadCheckpoint } from '../src/node.js';
import { parseBenchOptions } from './bench-options.js';
import { ensureSyntheticCheckpoint } from './ensure-checkpoint.js';

const TARGET_SECONDS = 3;

const options = parseBenchOptions(process.argv.slice(2));
if (typeof options === 'string') {
  console.error(options.replace('pnpm bench core', 'pnpm bench compare'));
  process.exit(2);
}
const seconds = async <T>(f: () => T | Promise<T>): Promise<[T, number]> => {
  globalThis.gc?.();
  const t0 = performance.now();
  const value = await f();
  return [value, (performance.now() - t0) / 1000];
};

const { dir } = await ensureSyntheticCheckpoint(options.shrink);
const [{ model: full }, load] = await seconds(() => loadCheckpoint(dir));
const [byDecoder, pruneA] = await seconds(
  () => full.prune({ topk: { fraction: 0.01 }, part: 'decoder-weight' }).model,
);
const [byEncoder, pruneB] = await seconds(
  () => full.prune({ topk: { fraction: 0.01 }, part: 'encoder-weight' }).model,
);
const models = new Map([
  ['unpruned', full],
  ['top1%-decoder', byDecoder],
  ['top1%-encoder', byEncoder],
]);
// One plain pass over the unpruned encoder weights: the floor for any measure on all coordinates,
// and a yardstick for how busy the machine is while the matrix is timed.
const pass = (): number => {
  const w = full.computeWeights().encoderWeight;
  let s = 0;
  for (let i = 0; i < w.length; i++) s += (w[i] as number) * (w[i] as number);
  return s;
};
// On a shared machine single timings swing several-fold: each step runs REPEATS times, first and best reported.
const REPEATS = 3;
async function repeated<T>(f: () => T): Promise<{ value: T; first: number; best: number }> {
  const [value, first] = await seconds(f);
  let best = first;
  for (let r = 1; r < REPEATS; r++) best = Math.min(best, (await seconds(f))[1]);
  return { value, first, best };
}
const onePassRuns = await repeated(pass);
const onePass = onePassRuns.best;
const cosineRuns = await repeated(() => similarityMatrix(models, { measure: 'cosine' }));
const cosine = cosineRuns.value;
const cosineSeconds = cosineRuns.best;
const [signed, signedDecoderSeconds] = await seconds(() =>
  similarityMatrix(models, { measure: 'cosine_signed', part: 'decoder-weight' }),
);
const result = {
  input_dim: full.inputDim,
  pruned_input_dims: [byDecoder.inputDim, byEncoder.inputDim],
  seconds: {
    load,
    prune_1pct_decoder: pruneA,
    prune_1pct_encoder: pruneB,
    matrix_cosine_encoder_weight: cosineSeconds,
    matrix_cosine_encoder_weight_first_run: cosineRuns.first,
    matrix_cosine_signed_decoder_weight: signedDecoderSeconds,
    one_pass_over_unpruned_weights: onePass,
  },
  matrix_cosine: cosine.matrix,
  matrix_cosine_signed_decoder: signed.matrix,
  target_seconds: TARGET_SECONDS,
  small: options.shrink !== 1,
};
if (options.json) console.log(JSON.stringify(result));
else {
  const verdict = options.shrink !== 1 ? 'n/a (--small)' : cosineSeconds <= TARGET_SECONDS ? 'PASS' : 'MISS';
  console.log(
    [
      `GRADIEND compare benchmark: unpruned synthetic bert-base (${full.inputDim.toLocaleString('en')} dims) ` +
        `vs two 1 %-pruned (${byDecoder.inputDim.toLocaleString('en')} dims each)`,
      `load ${load.toFixed(2)} s, prunes ${pruneA.toFixed(2)} s + ${pruneB.toFixed(2)} s (setup, untimed target)`,
      `3×3 cosine (encoder-weight, all coordinates): best of ${REPEATS} ${cosineSeconds.toFixed(3)} s ` +
        `(first ${cosineRuns.first.toFixed(3)} s) — target ≤ ${TARGET_SECONDS} s: ${verdict}`,
      `3×3 cosine_signed (decoder-weight): ${signedDecoderSeconds.toFixed(3)} s`,
      `one plain Σw² pass over the unpruned weights (best of ${REPEATS}): ${onePass.toFixed(3)} s ` +
        `(matrix = ${(cosineSeconds / onePass).toFixed(1)} passes)`,
      `matrix: ${JSON.stringify(cosine.matrix.map((r) => r.map((v) => Number(v.toFixed(4)))))}`,
    ].join('\n'),
  );
}
