import type { SafetensorsFormatError } from '../errors.js';
import { formatError } from './format-error.js';

export function writeError(detail: string, tensor?: string): SafetensorsFormatError {
  return formatError('write', `cannot write: ${detail}`, tensor);
}
