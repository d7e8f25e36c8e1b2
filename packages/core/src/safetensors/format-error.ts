import { SafetensorsFormatError } from '../errors.js';
import type { SafetensorsRule } from '../errors.js';

/** Builds the error with a uniform message: "tensor 'x': <detail> (rule: <rule>)". */
export function formatError(rule: SafetensorsRule, detail: string, tensor?: string): SafetensorsFormatError {
  const subject = tensor === undefined ? '' : `tensor '${tensor}': `;
  return new SafetensorsFormatError(`${subject}${detail} (rule: ${rule})`, rule, tensor);
}
