import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  ACCURACY_GUARD,
  EFFECT_LEARNING_RATES,
  openGradiendWeightSource,
  readSafetensorsBuffer,
  rewriteBaseModel,
  runEffectSweep,
  strengthenFeatureFactor,
  writeSparsePatch,
} from '@gradiend/core/node';
import type { EffectSweepResult, RewritePart } from '@gradiend/core';
import { ApiError } from '../errors/api-error.js';
import { baseModelJson } from '../base-models/base-model-service.js';
import { TEST_SET_INPUTS, TEST_SET_LABELS } from '../base-models/base-model-service.js';
import { onnxClassifier } from '../rewrite/onnx-classifier.js';
import type { LabeledSet } from '../rewrite/onnx-classifier.js';
import { VersionParams, problems } from '../schemas/common.js';
import {
  BaseModelSchema,
  RewriteBodySchema,
  RewriteEffectBodySchema,
  RewriteEffectSchema,
  type RewriteBody,
  type RewriteEffect,
  type RewriteEffectBody,
} from '../schemas/rewrite.js';
import { defineJobKind } from '../jobs/job-kind.js';
import { jobKey } from '../jobs/job-key.js';
import { JobAcceptedResponse, JobWaitQuery, replyWithJob } from '../jobs/reply-with-job.js';
import { RegistryService } from '../registry/registry-service.js';
import { sendRaw } from './send-raw.js';

/** Job kind of the effect sweep (also its metrics label). */
export const REWRITE_EFFECT_JOB = 'rewrite-effect';
import type { VersionRecord } from '../storage/metadata-store.js';

function inputScaleOf(version: VersionRecord, enabled: boolean): number | null {
  if (!enabled) return null;
  const scale = version.summary.training?.['input_scale'];
  if (typeof scale !== 'number' || !Number.isFinite(scale) || scale === 0) {
    throw new ApiError(
      'GRADIEND_ERR_REWRITE',
      'scale_from_training: the version has no training.json input_scale',
    );
  }
  return scale;
}

function labeledSet(bytes: Uint8Array): LabeledSet {
  const tensors = readSafetensorsBuffer(bytes);
  const name = TEST_SET_INPUTS.find((n) => tensors.header.byName.has(n));
  if (!name || !tensors.header.byName.has(TEST_SET_LABELS))
    throw new ApiError('GRADIEND_ERR_REWRITE', 'the test set lacks inputs or labels');
  const inputs = tensors.get(name);
  const labels = tensors.get(TEST_SET_LABELS);
  return {
    inputs: inputs.data as Float32Array,
    rows: inputs.shape[0] as number,
    labels: Int32Array.from(labels.data as BigInt64Array | Int32Array, Number),
  };
}

function sweepJson(r: EffectSweepResult): RewriteEffect {
  const effect = (e: { accuracy: number; meanProbability: Readonly<Record<string, number>> }) => ({
    accuracy: e.accuracy,
    mean_probability: e.meanProbability,
  });
  const selection = (s: EffectSweepResult['selection']['strengthen']) => ({
    direction: s.direction,
    feature_factor: s.featureFactor,
    learning_rate: s.candidate?.learningRate ?? null,
    metric: s.metric,
    reason: s.reason,
  });
  return {
    target: r.target,
    other: r.other,
    part: r.part,
    input_scale: r.inputScale,
    learning_rates: [...r.learningRates],
    feature_factors: [...r.featureFactors],
    accuracy_guard: ACCURACY_GUARD,
    base: effect(r.base),
    candidates: r.candidates.map((c) => ({
      feature_factor: c.featureFactor,
      learning_rate: c.learningRate,
      ...effect(c),
    })),
    selection: { strengthen: selection(r.selection.strengthen), weaken: selection(r.selection.weaken) },
  };
}

const rewriteRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { registry, baseModels, jobs } = app.services;

  app.post(
    '/models/:name/versions/:ref/rewrite',
    {
      config: { role: 'write' },
      schema: {
        tags: ['operations'],
        summary:
          "Rewrite the version's base model (θ + lr · u at the mapped positions): stored as a new base model with lineage (output model), or the sparse patch as a download (output patch)",
        params: VersionParams,
        body: RewriteBodySchema,
        response: { 201: BaseModelSchema, ...problems(400, 401, 403, 404, 422) },
      },
    },
    async (request, reply) => {
      const body = request.body as RewriteBody;
      const version = await registry.resolve(request.params.name, request.params.ref);
      const base = await baseModels.forGradiend(version.summary.base_model, body.base);
      const inputScale = inputScaleOf(version, body.scale_from_training ?? false);
      const learningRate = body.learning_rate * (inputScale ?? 1);
      const part: RewritePart = body.part ?? 'decoder';
      const featureFactor = body.feature_factor ?? new Array<number>(version.summary.latent_dim).fill(1);
      const h = await registry.checkout(version);
      const { dir, files } = await baseModels.materialize(base, ['weights']);
      const options = { learningRate, featureFactor, part };
      try {
        if ((body.output ?? 'model') === 'patch') {
          const file = path.join(dir, 'patch.safetensors');
          await writeSparsePatch(h.dir, files.weights, file, options);
          const stat = await fs.stat(file);
          const stream = createReadStream(file);
          const cleanup = () => void fs.rm(dir, { recursive: true, force: true });
          stream.on('close', cleanup);
          reply
            .header('content-length', stat.size)
            .header('content-disposition', 'attachment; filename="patch.safetensors"');
          return sendRaw(reply, 'application/octet-stream', stream);
        }
        // A sharded base is rewritten shard by shard into a folder of the same files.
        const out = path.join(dir, base.files === null ? 'rewritten.safetensors' : 'rewritten');
        await rewriteBaseModel(h.dir, files.weights, out, options);
        const record = await baseModels.register({
          name: base.name,
          weights: out,
          lineage: {
            base: base.sha256,
            gradiend: { name: version.model, version: version.version },
            learning_rate: body.learning_rate,
            input_scale: inputScale,
            feature_factor: featureFactor,
            part,
          },
          actor: request.principal.name,
        });
        await fs.rm(dir, { recursive: true, force: true });
        return reply
          .status(201)
          .header('location', `/api/base-models/${record.sha256}`)
          .send(baseModelJson(record));
      } catch (error) {
        await fs.rm(dir, { recursive: true, force: true });
        throw error;
      }
    },
  );

  interface EffectJobArgs {
    readonly model: string;
    readonly version: number;
    readonly base: string;
    readonly body: RewriteEffectBody;
  }

  /** The sweep as a job: run by any instance, joined by identical requests, its result reused. */
  const effectJob = defineJobKind<EffectJobArgs, RewriteEffect>({
    name: REWRITE_EFFECT_JOB,
    async run(args, { progress, signal }) {
      const version = await registry.resolve(args.model, String(args.version));
      const base = await baseModels.get(args.base);
      const { body } = args;
      const inputScale = inputScaleOf(version, body.scale_from_training ?? true);
      const h = await registry.checkout(version);
      const { dir, files } = await baseModels.materialize(base, ['onnx', 'testSet']);
      const source = await openGradiendWeightSource(h.dir);
      try {
        const set = labeledSet(new Uint8Array(await fs.readFile(files.testSet)));
        const classifier = onnxClassifier(new Uint8Array(await fs.readFile(files.onnx)), set, body.target, [
          body.target,
          body.other,
        ]);
        const sweep = await runEffectSweep(
          source,
          classifier.weights,
          (r) => {
            signal.throwIfAborted();
            return classifier.evaluate(r);
          },
          {
            target: body.target,
            other: body.other,
            strengthenFactor: strengthenFeatureFactor(version.summary.gradient_context, body.target),
            ...(body.part ? { part: body.part } : {}),
            inputScale: inputScale ?? 1,
            learningRates: body.learning_rates ?? EFFECT_LEARNING_RATES,
            onProgress: (done, total) => progress(done / total, `rewrite ${done} of ${total}`),
          },
        );
        return sweepJson(sweep);
      } finally {
        await source.close();
        await fs.rm(dir, { recursive: true, force: true });
      }
    },
  });
  jobs.register(effectJob);

  app.post(
    '/models/:name/versions/:ref/rewrite-effect',
    {
      config: { role: 'read' },
      schema: {
        tags: ['operations'],
        summary:
          "What rewriting does: the base model's ONNX graph with rewritten initializers on its labeled test set, over learning rates × feature factor ±1 — mean P(target) per class, accuracy, and the reference's choice (best shift keeping ≥ 99 % of the base accuracy, else the smallest learning rate). A job: 200 with the result when done within `wait` seconds, else 202",
        params: VersionParams,
        querystring: JobWaitQuery,
        body: RewriteEffectBodySchema,
        response: { 200: RewriteEffectSchema, ...JobAcceptedResponse, ...problems(400, 401, 403, 404, 422) },
      },
    },
    async (request, reply) => {
      const body = request.body as RewriteEffectBody;
      const version = await registry.resolve(request.params.name, request.params.ref);
      const base = await baseModels.forGradiend(version.summary.base_model, body.base);
      baseModels.partSha(base, 'onnx');
      baseModels.partSha(base, 'testSet');
      inputScaleOf(version, body.scale_from_training ?? true);
      const args: EffectJobArgs = { model: version.model, version: version.version, base: base.sha256, body };
      return replyWithJob(
        request,
        reply,
        effectJob,
        {
          args,
          key: jobKey(REWRITE_EFFECT_JOB, {
            files: RegistryService.contentKey(version.files),
            base: base.sha256,
            body,
          }),
          actor: request.principal.name,
          model: version.model,
          version: version.version,
        },
        { waitS: (request.query as { wait?: number }).wait ?? 0 },
      );
    },
  );
};

export default rewriteRoutes;
