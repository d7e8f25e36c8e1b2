import { GradiendError } from '../errors.js';

export type OnnxExportRule = 'architecture' | 'weights' | 'too-large';

/** A model cannot be exported to ONNX. `rule` says why; the message names the offending value. */
export class OnnxExportError extends GradiendError {
  readonly code = 'GRADIEND_ERR_ONNX_EXPORT';
  constructor(
    message: string,
    readonly rule: OnnxExportRule,
  ) {
    super(message);
  }
}
