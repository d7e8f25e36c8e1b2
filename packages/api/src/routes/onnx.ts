import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { ApiError } from '../errors/api-error.js';
import type { VersionRecord } from '../storage/metadata-store.js';
import { Literals, VersionParams, problems } from '../schemas/common.js';
import { DecodeBodySchema, EncodeResultSchema } from '../schemas/encode.js';
import { GRAPH_KINDS } from '../schemas/vocabulary.js';
import { runGraph, type GraphKind } from '../onnx/run-graph.js';
import { encodeWithCore, encodesWithCore } from '../onnx/encode-with-core.js';
import { requireFiniteInputs } from '../onnx/scale-inputs.js';
import { ownBuffer } from '../workers/own-buffer.js';
import type { ModelHandle } from '../workers/task-types.js';
import { BodyBufferPool } from './body-buffer-pool.js';
import { readRawBody } from './read-raw-body.js';
import { sendRaw } from './send-raw.js';
import { parseEncodeJson } from './encode-json.js';
import { checkSafetensorsHeaderLength } from '../upload/safetensors-header-limit.js';
import { BODY_LIMITS } from '../ops/request-limits.js';

const F32 = 'application/octet-stream';
const SAFETENSORS = 'application/x-safetensors';
/** Idle raw-body buffers kept for reuse. */
const BODY_POOL_BYTES = 64 * 1024 * 1024;

function rowsToF32(rows: readonly (readonly number[])[], width: number, what: string): Float32Array {
  const out = new Float32Array(rows.length * width);
  rows.forEach((row, i) => {
    if (row.length !== width) {
      throw new ApiError(
        'GRADIEND_ERR_INPUT_SHAPE',
        `${what}[${i}] has ${row.length} values but the model expects ${width}`,
      );
    }
    out.set(row, i * width);
  });
  return out;
}

const FLT_MAX = 3.4028234663852886e38;
const FLT_MIN_NORMAL = 1.1754943508222875e-38;

/**
 * Non-finite inputs (NaN/Inf in a float32 body, or values that overflow once scaled) give
 * non-finite outputs; they are the client's, so a 422 names them instead of a masked 500.
 */
function requireFinite(values: Float32Array, what: string): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      throw new ApiError(
        'GRADIEND_ERR_INPUT_VALUE',
        `${what} value ${i} is ${values[i]}: the inputs hold NaN/Inf or values too large for float32`,
      );
    }
  }
}

function f32ToRows(data: Float32Array, batch: number, width: number): number[][] {
  const rows: number[][] = [];
  for (let b = 0; b < batch; b++) rows.push(Array.from(data.subarray(b * width, (b + 1) * width)));
  return rows;
}

function inputScale(version: VersionRecord, raw: string | undefined): number {
  if (raw === undefined) return 1;
  if (raw === 'auto') {
    const scale = version.summary.training?.input_scale;
    if (typeof scale !== 'number' || !(scale > 0)) {
      throw new ApiError(
        'GRADIEND_ERR_REQUEST_VALIDATION',
        'input_scale=auto needs training.input_scale > 0 in the version',
      );
    }
    return scale;
  }
  const scale = Number(raw);
  // The division happens in float32: a scale that is not a normal float32 turns inputs into Inf.
  if (!(scale >= FLT_MIN_NORMAL && scale <= FLT_MAX)) {
    throw new ApiError(
      'GRADIEND_ERR_REQUEST_VALIDATION',
      `input_scale must be a number in [${FLT_MIN_NORMAL}, ${FLT_MAX}] or auto, got ${raw}`,
    );
  }
  return scale;
}

const onnxRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { registry, tasks, onnx, config } = app.services;
  // Without worker threads a large input has nowhere better to go than the main thread's sessions.
  const offload = (values: number) => config.workers > 0 && values > config.encodeInlineMaxValues;
  const workerBudgetBytes = Math.floor(config.onnxCacheBytes / Math.max(1, config.workers));

  const bodies = new BodyBufferPool(BODY_POOL_BYTES);
  // Bodies for a worker live in shared memory, so that they are pooled too: the worker reads them in
  // place and nothing moves or detaches (allocating and first touching megabytes per request costs as
  // much as the copy into them, measured at 4.4 MB bodies). ONNX Runtime takes no shared memory, so
  // the main thread's bodies stay ordinary buffers.
  const workerBodies = new BodyBufferPool(BODY_POOL_BYTES, undefined, true);
  const allocate = (size: number) => (offload(size / 4) ? workerBodies.acquire(size) : bodies.acquire(size));
  for (const type of [F32, SAFETENSORS]) {
    app.addContentTypeParser(type, (request, payload, done) => {
      const length = request.headers['content-length'];
      const declared = length === undefined ? undefined : Number(length);
      readRawBody(payload, declared, BODY_LIMITS.encodeRaw, allocate).then(
        (body) => done(null, body),
        (error: Error) => done(error, undefined),
      );
    });
  }

  const session = (h: ModelHandle, which: GraphKind) =>
    onnx.session(`${h.key}:${which}`, () => tasks.run('exportOnnx', { ...h, which }));
  // Only the encoder half is kept here (and charged to the same budget as the sessions).
  const coreEncoder = (h: ModelHandle) =>
    onnx.encoder(`${h.key}:core-encoder`, () => tasks.run('encoderWeights', h));

  /**
   * Runs a graph on the main thread's sessions, or, for `values` (rows × input_dim) past the
   * inline limit, on a worker's: `input` then moves there and must not be read afterwards.
   */
  const infer = async (
    h: ModelHandle,
    which: GraphKind,
    input: Float32Array,
    batch: number,
    values: number,
    scale = 1,
  ): Promise<Float32Array> => {
    if (!offload(values)) return runGraph(await session(h, which), which, input, batch, scale);
    const args = { ...h, which, input, batch, scale, budgetBytes: workerBudgetBytes };
    return tasks.run('onnxRun', args, ownBuffer(input));
  };

  /**
   * Encodes `batch` rows: few dot products with the core's kernel (which checks the inputs as it
   * goes, see encode-with-core.ts), more through ONNX Runtime after the same checks; on the main
   * thread or, past the inline limit, on a worker (`input` then moves there).
   */
  const encode = async (
    h: ModelHandle,
    latentDim: number,
    input: Float32Array,
    batch: number,
    scale: number,
  ): Promise<Float32Array> => {
    if (!encodesWithCore(latentDim, batch)) {
      requireFiniteInputs(input, scale);
      return infer(h, 'encoder', input, batch, input.length, scale);
    }
    if (!offload(input.length)) return encodeWithCore(await coreEncoder(h), input, batch, scale);
    const args = { ...h, which: 'encoder' as const, input, batch, scale, budgetBytes: workerBudgetBytes };
    return tasks.run('onnxRun', { ...args, core: true }, ownBuffer(input));
  };

  // Encode's JSON is read as bytes and scanned against the model's input_dim (parseEncodeJson);
  // the scope keeps this parser away from decode's ordinary JSON body.
  await app.register(async (scope) => {
    scope.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) =>
      done(null, body),
    );
    registerEncode(scope);
  });

  function registerEncode(scope: typeof app) {
    scope.post(
      '/models/:name/versions/:ref/encode',
      {
        config: { role: 'read' },
        // JSON only; the float32 and safetensors parsers above apply BODY_LIMITS.encodeRaw.
        bodyLimit: BODY_LIMITS.encodeJson,
        schema: {
          tags: ['operations'],
          summary: 'Encode gradients: raw float32 rows, a safetensors gradient dict, or JSON {inputs}',
          description:
            'Body: `application/octet-stream` little-endian float32 [batch × input_dim]; `application/x-safetensors` ' +
            'per-parameter gradients keyed by base parameter name (`module.` prefix tolerated); or JSON ' +
            '`{"inputs": [[…]]}`. `input_scale` (number or `auto` = training.input_scale) divides the inputs first. ' +
            'Answers JSON, or float32 [batch × latent_dim] with `Accept: application/octet-stream`.',
          params: VersionParams,
          querystring: Type.Object({ input_scale: Type.Optional(Type.String({ maxLength: 32 })) }),
          consumes: ['application/json', F32, SAFETENSORS],
          response: {
            200: EncodeResultSchema,
            ...problems(400, 401, 403, 404, 413, 415, 422),
          },
        },
      },
      async (request, reply) => {
        try {
          const version = await registry.resolveContent(request.params.name, request.params.ref);
          const h = await registry.checkout(version);
          const n = version.summary.input_dim;
          const contentType = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
          let x: Float32Array;
          if (contentType === F32) {
            const body = request.body as Buffer;
            if (body.byteLength === 0 || body.byteLength % (4 * n) !== 0) {
              throw new ApiError(
                'GRADIEND_ERR_INPUT_SHAPE',
                `float32 body has ${body.byteLength} bytes; expected a multiple of 4 × input_dim = ${4 * n}`,
              );
            }
            // The parser's buffer is aligned and ours alone, so the rows are viewed, not copied.
            x =
              body.byteOffset % 4 === 0
                ? new Float32Array(body.buffer, body.byteOffset, body.byteLength / 4)
                : new Float32Array(body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength));
          } else if (contentType === SAFETENSORS) {
            const body = request.body as Buffer;
            const bytes = new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
            checkSafetensorsHeaderLength(bytes.subarray(0, 8), 'body');
            const transfer = offload(body.byteLength / 4) ? ownBuffer(bytes) : [];
            x = await tasks.run('flattenGradients', { ...h, bytes }, transfer);
          } else if (contentType === 'application/json') {
            x = parseEncodeJson(request.body as Buffer, n);
          } else {
            throw new ApiError(
              'GRADIEND_ERR_REQUEST_MEDIA_TYPE',
              `cannot encode a ${contentType ?? 'missing'} body`,
            );
          }
          const scale = inputScale(version, request.query.input_scale);
          const batch = x.length / n;
          app.metrics.encodeBatch.observe(batch);
          const latent = version.summary.latent_dim;
          const encoded = await encode(h, latent, x, batch, scale);
          requireFinite(encoded, 'encoded');
          if (request.headers.accept === F32) {
            return sendRaw(
              reply,
              F32,
              new Uint8Array(encoded.buffer, encoded.byteOffset, encoded.byteLength),
            );
          }
          return { encoded: f32ToRows(encoded, batch, latent), latent_dim: latent, batch };
        } finally {
          // Nothing reads the raw body once the answer is computed (ORT copies it; a worker that read
          // the shared bytes has finished).
          if (Buffer.isBuffer(request.body)) {
            bodies.release(request.body);
            workerBodies.release(request.body);
          }
        }
      },
    );
  }

  app.post(
    '/models/:name/versions/:ref/decode',
    {
      config: { role: 'read' },
      bodyLimit: BODY_LIMITS.decodeJson,
      schema: {
        tags: ['operations'],
        summary: 'Decode latent rows to float32 [batch × input_dim], or per-parameter safetensors',
        description:
          'Answers float32 by default; `Accept: application/x-safetensors` gives base-shaped tensors.',
        params: VersionParams,
        body: DecodeBodySchema,
        response: { ...problems(400, 401, 403, 404, 422) },
      },
    },
    async (request, reply) => {
      const version = await registry.resolveContent(request.params.name, request.params.ref);
      const h = await registry.checkout(version);
      const latentDim = version.summary.latent_dim;
      const z = rowsToF32(request.body.latent, latentDim, 'latent');
      const batch = request.body.latent.length;
      const values = batch * version.summary.input_dim;
      const decoded = await infer(h, 'decoder', z, batch, values);
      requireFinite(decoded, 'decoded');
      if ((request.headers.accept ?? '').includes(SAFETENSORS)) {
        const transfer = offload(values) ? ownBuffer(decoded) : [];
        const bytes = await tasks.run('expandDecoded', { ...h, decoded, batch }, transfer);
        return reply.type(SAFETENSORS).send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      }
      return reply
        .type(F32)
        .header('x-batch', batch)
        .header('x-input-dim', version.summary.input_dim)
        .send(Buffer.from(decoded.buffer, decoded.byteOffset, decoded.byteLength));
    },
  );

  app.get(
    '/models/:name/versions/:ref/onnx/:which',
    {
      config: { role: 'read' },
      schema: {
        tags: ['operations'],
        summary: 'The encoder or decoder as an ONNX graph (float32)',
        params: Type.Composite([VersionParams, Type.Object({ which: Literals(GRAPH_KINDS) })]),
        response: { ...problems(400, 401, 403, 404, 422) },
      },
    },
    async (request, reply) => {
      const version = await registry.resolve(request.params.name, request.params.ref);
      const h = await registry.checkout(version);
      const bytes = await tasks.run('exportOnnx', { ...h, which: request.params.which });
      return reply
        .type('application/octet-stream')
        .header(
          'content-disposition',
          `attachment; filename="${version.model}-v${version.version}-${request.params.which}.onnx"`,
        )
        .send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    },
  );
};

export default onnxRoutes;
