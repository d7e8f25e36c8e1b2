/**
 * The one table of API errors: code → HTTP status and title. The README lists it; the error handler
 * turns every ApiError and core GradiendError into application/problem+json with these fields.
 */
export const ERROR_CODES = {
  GRADIEND_ERR_REQUEST_VALIDATION: { status: 400, title: 'Request validation failed' },
  GRADIEND_ERR_REQUEST_MEDIA_TYPE: { status: 415, title: 'Unsupported media type' },
  GRADIEND_ERR_REQUEST_TOO_LARGE: { status: 413, title: 'Request body too large' },
  GRADIEND_ERR_REQUEST_NOT_ACCEPTABLE: { status: 406, title: 'Not acceptable' },
  GRADIEND_ERR_ROUTE_NOT_FOUND: { status: 404, title: 'Route not found' },
  GRADIEND_ERR_AUTH_MISSING: { status: 401, title: 'Authentication required' },
  GRADIEND_ERR_AUTH_INVALID: { status: 401, title: 'Invalid token' },
  GRADIEND_ERR_AUTH_FORBIDDEN: { status: 403, title: 'Insufficient role' },
  GRADIEND_ERR_MODEL_NOT_FOUND: { status: 404, title: 'Model not found' },
  GRADIEND_ERR_VERSION_NOT_FOUND: { status: 404, title: 'Version not found' },
  GRADIEND_ERR_FILE_NOT_FOUND: { status: 404, title: 'File not found' },
  GRADIEND_ERR_PARAM_NOT_FOUND: { status: 404, title: 'Parameter not found' },
  GRADIEND_ERR_RANGE_NOT_SATISFIABLE: { status: 416, title: 'Range not satisfiable' },
  GRADIEND_ERR_ALIAS_RESERVED: { status: 400, title: 'Alias is reserved' },
  GRADIEND_ERR_ALIAS_NOT_FOUND: { status: 404, title: 'Alias not found' },
  GRADIEND_ERR_VERSION_HAS_DERIVED: { status: 409, title: 'Other versions derive from this version' },
  GRADIEND_ERR_TOKEN_NAME_TAKEN: { status: 409, title: 'Token name already exists' },
  GRADIEND_ERR_TOKEN_NOT_FOUND: { status: 404, title: 'Token not found' },
  GRADIEND_ERR_UPLOAD_EMPTY: { status: 400, title: 'Upload holds no checkpoint files' },
  GRADIEND_ERR_UPLOAD_MIXED: { status: 400, title: 'Upload mixes files and an archive' },
  GRADIEND_ERR_UPLOAD_FIELD: { status: 400, title: 'Unknown or repeated upload field' },
  GRADIEND_ERR_UPLOAD_PATH: { status: 400, title: 'Unsafe file path in upload' },
  GRADIEND_ERR_UPLOAD_DUPLICATE: { status: 400, title: 'Duplicate file name in upload' },
  GRADIEND_ERR_UPLOAD_UNEXPECTED_FILE: { status: 400, title: 'Unexpected file in upload' },
  GRADIEND_ERR_UPLOAD_TOO_MANY_FILES: { status: 400, title: 'Too many files in upload' },
  GRADIEND_ERR_UPLOAD_TOO_LARGE: { status: 413, title: 'Upload too large' },
  GRADIEND_ERR_UPLOAD_ARCHIVE_TYPE: { status: 415, title: 'Unsupported archive type' },
  GRADIEND_ERR_UPLOAD_ARCHIVE_CORRUPT: { status: 400, title: 'Archive is truncated or corrupt' },
  GRADIEND_ERR_UPLOAD_ARCHIVE_LINK: { status: 400, title: 'Archive holds a link or special file' },
  GRADIEND_ERR_UPLOAD_ABORTED: { status: 400, title: 'Upload aborted by the client' },
  GRADIEND_ERR_SAFETENSORS_FORMAT: { status: 422, title: 'Malformed safetensors file' },
  GRADIEND_ERR_TORCH_CHECKPOINT: { status: 422, title: 'Unreadable PyTorch checkpoint' },
  GRADIEND_ERR_CHECKPOINT: { status: 422, title: 'Invalid GRADIEND checkpoint' },
  GRADIEND_ERR_MAPPING: { status: 422, title: 'Inconsistent parameter mapping' },
  GRADIEND_ERR_PRUNE_ARGUMENT: { status: 422, title: 'Invalid prune or selection arguments' },
  GRADIEND_ERR_INPUT_SHAPE: { status: 422, title: 'Input does not fit the model' },
  GRADIEND_ERR_INPUT_VALUE: { status: 422, title: 'Input or result values are not finite float32' },
  GRADIEND_ERR_ONNX_EXPORT: { status: 422, title: 'Model cannot be exported to ONNX' },
  GRADIEND_ERR_GRADIENT_EXTRACTION: { status: 422, title: 'Gradients cannot be taken for the param map' },
  GRADIEND_ERR_TRAINING: { status: 422, title: 'GRADIEND training cannot run with these inputs' },
  GRADIEND_ERR_ENCODER_METRICS: { status: 422, title: 'Labeled encodings cannot be scored' },
  GRADIEND_ERR_COMPARISON: { status: 422, title: 'GRADIENDs cannot be compared as asked' },
  GRADIEND_ERR_CORE: { status: 422, title: 'Model operation failed' },
  GRADIEND_ERR_RATE_LIMITED: { status: 429, title: 'Too many requests per minute' },
  GRADIEND_ERR_TOO_MANY_REQUESTS: { status: 429, title: 'Too many requests in flight' },
  GRADIEND_ERR_REQUEST_TIMEOUT: { status: 408, title: 'Request body not received in time' },
  GRADIEND_ERR_NOT_READY: { status: 503, title: 'Database or blob store unreachable' },
  GRADIEND_ERR_SHUTTING_DOWN: { status: 503, title: 'Server is shutting down' },
  GRADIEND_ERR_INTERNAL: { status: 500, title: 'Internal server error' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.hasOwn(ERROR_CODES, code);
}
