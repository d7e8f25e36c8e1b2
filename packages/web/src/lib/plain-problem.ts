import type { Problem } from '../api/contract';

const NOT_SAFETENSORS_RULES = new Set([
  'header-length',
  'header-too-large',
  'header-out-of-bounds',
  'header-json',
  'header-not-object',
]);

// An absolute POSIX or Windows path (two or more segments); a message for a person never needs one.
const SERVER_PATH = /(?:[A-Za-z]:\\|\/)(?:[\w.@+-]+[\\/])+[\w.@+-]*/g;

/** The server's detail with any file-system path cut out. */
export function withoutPaths(detail: string): string {
  return detail.replace(SERVER_PATH, '…');
}

/**
 * What a problem means in the researcher's words, when the server's detail is in the code's
 * words (a rule name, a tensor library's message); null when the detail already reads well.
 */
export function plainSummary(problem: Problem): string | null {
  const { code, rule, file } = problem;
  if (
    code === 'GRADIEND_ERR_SAFETENSORS_FORMAT' &&
    typeof rule === 'string' &&
    NOT_SAFETENSORS_RULES.has(rule)
  ) {
    return `${typeof file === 'string' ? file : 'This file'} is not a safetensors file: its first bytes are not a safetensors header. Save the tensors with safetensors (save_file) and pick that file.`;
  }
  if (code === 'GRADIEND_ERR_CHECKPOINT' && file === 'config.json') {
    return 'The checkpoint has no config.json. A GRADIEND checkpoint folder holds config.json next to its weights (model.safetensors or pytorch_model.bin); upload that folder or an archive of it.';
  }
  if (code === 'GRADIEND_ERR_PRUNE_ARGUMENT' && /remove all dimensions/.test(problem.detail)) {
    return 'This selection keeps no dims: no importance reaches the threshold. Lower it below the largest importance (shown next to the threshold).';
  }
  if (code === 'GRADIEND_ERR_COMPARISON' && /map different base parameter spaces/.test(problem.detail)) {
    return 'These GRADIENDs were trained on different base parameters (other parameter names or shapes), so their coordinates do not line up and no similarity between them is defined. Pick versions from one base-model group.';
  }
  return null;
}
