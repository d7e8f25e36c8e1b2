/**
 * The request-boundary limits, in one place: the routes, the app and docs/api.md ("Limits") all
 * take their numbers from here.
 */
const KIB = 1024;
const MIB = 1024 * KIB;
const GIB = 1024 * MIB;

/** JSON (and raw) body limits per route. Multipart uploads are bounded by GRADIEND_MAX_UPLOAD_BYTES. */
export const BODY_LIMITS = {
  /** Every JSON route not named below: metadata, aliases, tokens, compare. */
  json: 1 * MIB,
  /** Prune and its preview: a mask or keep_idx list of a few million dims. */
  pruneJson: 16 * MIB,
  /** Decode: at most 4096 latent rows. */
  decodeJson: 8 * MIB,
  /** Encode as JSON rows: meant for small models; larger inputs go as float32 or safetensors. */
  encodeJson: 64 * MIB,
  /** Encode as raw float32 rows or a safetensors gradient dict. */
  encodeRaw: 1 * GIB,
} as const;

/** Node/fastify server timeouts and header bounds. */
export const SERVER_LIMITS = {
  /**
   * The router's guard on one path parameter (a longer one is a 400 before any route runs). Above
   * every name rule (model and file names, vocabulary.ts), so that the route's schema, not the
   * router, answers a name just past its limit: as a 400 naming the rule, for every method.
   */
  maxParamLength: 256,
  /** Time for a client to send all request headers. */
  headersTimeoutMs: 15_000,
  /** Idle keep-alive connections are closed after this. */
  keepAliveTimeoutMs: 5_000,
  /** At most this many request headers; more are dropped by Node. */
  maxHeadersCount: 100,
  /** Default of GRADIEND_BODY_IDLE_TIMEOUT_S: a body that sends nothing this long is answered 408. */
  bodyIdleTimeoutS: 30,
  /** Default of GRADIEND_REQUEST_TIMEOUT_S: a body not complete after this long is answered 408. */
  requestTimeoutS: 900,
  /** Default of GRADIEND_MAX_BODIES_PER_CLIENT: requests with a body in flight per client. */
  bodiesInFlightPerClient: 8,
} as const;
