// Checkpoints in the layout newer library versions write (bias_encoder, init_fan_in_floor,
// components): derived from reference fixtures, since the reference checkout predates them.
import { cp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { readSafetensorsBuffer, serializeSafetensors } from '../safetensors/index.js';

/**
 * config.json as newer library versions' save_pretrained writes it (json.dump, indent 2): the
 * architecture gains `bias_encoder` before `bias_decoder` and `init_fan_in_floor` before
 * `torch_dtype`, the document `components` and `component_split_mode` before `mapping`.
 */
export function asNewerLibraryConfig(text: string, biasEncoder: boolean): string {
  const out = text
    .replace(/\n {4}"bias_decoder": /, `\n    "bias_encoder": ${biasEncoder},\n    "bias_decoder": `)
    .replace(/\n {4}"torch_dtype": /, '\n    "init_fan_in_floor": 10000,\n    "torch_dtype": ')
    .replace(
      /\n {2}"mapping": /,
      '\n  "components": null,\n  "component_split_mode": "none",\n  "mapping": ',
    );
  if (out.match(/bias_encoder|init_fan_in_floor|component_split_mode/g)?.length !== 3) {
    throw new Error('config.json is not in the layout asNewerLibraryConfig expects');
  }
  return out;
}

/**
 * A reference checkpoint folder as a newer library version would have written it for the same
 * model without an encoder bias: its state dict simply lacks `encoder.0.linear.bias`.
 */
export async function withoutEncoderBias(source: string, into: string): Promise<string> {
  await cp(source, into, { recursive: true });
  const config = path.join(into, 'config.json');
  await writeFile(config, asNewerLibraryConfig(await readFile(config, 'utf8'), false));
  const weights = path.join(into, 'model.safetensors');
  const tensors = readSafetensorsBuffer(new Uint8Array(await readFile(weights))).tensors();
  if (!tensors.delete('encoder.0.linear.bias')) throw new Error(`${source} has no encoder bias`);
  await writeFile(weights, serializeSafetensors(tensors));
  return into;
}
