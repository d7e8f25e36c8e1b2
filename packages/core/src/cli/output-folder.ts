import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { CliInputError } from './cli-errors.js';

/** Files a checkpoint folder may hold; --force removes these so no stale mapping file survives. */
const CHECKPOINT_FILE =
  /^(config\.json|model\.safetensors|pytorch_model\.bin|mapping_[a-z]+\.(safetensors|pth)|training\.json|gradiend_context\.json)$/;

/** Makes sure a command may write a checkpoint into `out`: absent, empty, or (with force) cleared of checkpoint files. */
export async function prepareOutput(out: string, force: boolean): Promise<void> {
  const s = await stat(out).catch(() => null);
  if (!s) return;
  if (!s.isDirectory()) throw new CliInputError(`--out ${out} exists and is not a folder`, out);
  const entries = await readdir(out);
  if (entries.length === 0) return;
  if (!force) {
    throw new CliInputError(`--out ${out} is not empty (use --force to write into it)`, out);
  }
  for (const name of entries) {
    if (CHECKPOINT_FILE.test(name)) await rm(path.join(out, name), { force: true });
  }
}
