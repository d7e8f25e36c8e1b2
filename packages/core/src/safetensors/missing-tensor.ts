import type { SafetensorsFormatError } from '../errors.js';
import { formatError } from './format-error.js';
import type { SafetensorsHeader } from './types.js';

export function missingTensor(name: string, header: SafetensorsHeader): SafetensorsFormatError {
  return formatError('missing-tensor', `not in the file (it holds ${header.tensors.length} tensors)`, name);
}
