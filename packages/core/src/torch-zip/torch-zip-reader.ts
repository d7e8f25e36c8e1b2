import { TorchCheckpointError } from '../errors.js';
import { DTYPES } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';
import { materialiseTensor } from './materialise-tensor.js';
import type { TorchStateDictEntry } from './state-dict-pickle.js';
import { parseStateDictPickle } from './state-dict-pickle.js';
import type { ZipArchive } from './zip-archive.js';
import { openZipBuffer, openZipFile } from './zip-archive.js';

// A state dict pickle holds only names and small tuples; even very large models stay far below this.
const MAX_PICKLE_BYTES = 64 * 1024 * 1024;

/**
 * torch.save writes every record under one top-level folder named after the file stem
 * (`pytorch_model/data.pkl`); the stem is whatever the file was called when saved, so find it.
 */
function findRecordPrefix(archive: ZipArchive, source: string): string {
  const pickles = archive.names.filter((name) => /^[^/]+\/data\.pkl$/.test(name));
  const only = pickles[0];
  if (only === undefined || pickles.length > 1) {
    const found = pickles.length === 0 ? 'none' : pickles.join(', ');
    throw new TorchCheckpointError(`${source}: expected exactly one <name>/data.pkl entry, found ${found}`);
  }
  return only.slice(0, -'data.pkl'.length);
}

async function checkByteOrder(archive: ZipArchive, prefix: string, source: string): Promise<void> {
  const name = `${prefix}byteorder`;
  if (!archive.has(name)) return;
  const order = new TextDecoder().decode(await archive.read(name, { maxBytes: 16 })).trim();
  if (order !== 'little') {
    throw new TorchCheckpointError(
      `${source}: storages are stored in '${order}' byte order; only 'little' is supported`,
    );
  }
}

function countStorageUsers(entries: readonly TorchStateDictEntry[]): Map<string, number> {
  const users = new Map<string, number>();
  for (const { tensor } of entries) users.set(tensor.storage.key, (users.get(tensor.storage.key) ?? 0) + 1);
  return users;
}

async function readStateDict(archive: ZipArchive, source: string): Promise<Map<string, Tensor>> {
  const prefix = findRecordPrefix(archive, source);
  await checkByteOrder(archive, prefix, source);
  const entries = parseStateDictPickle(
    await archive.read(`${prefix}data.pkl`, { maxBytes: MAX_PICKLE_BYTES }),
  );
  const users = countStorageUsers(entries);
  const pending = new Map(users);
  const loaded = new Map<string, Uint8Array>();
  const result = new Map<string, Tensor>();
  for (const { name, tensor: ref } of entries) {
    const { key, dtype, numel } = ref.storage;
    let bytes = loaded.get(key);
    if (bytes === undefined) {
      bytes = await archive.read(`${prefix}data/${key}`, { expectedBytes: numel * DTYPES[dtype].itemSize });
      loaded.set(key, bytes);
    }
    // Tensors sharing a storage get their own copies, so writing to one never changes another.
    const shared = (users.get(key) ?? 0) > 1;
    try {
      result.set(name, materialiseTensor(ref, bytes, { copy: shared }));
    } catch (error) {
      if (error instanceof TorchCheckpointError) {
        throw new TorchCheckpointError(`${source}: tensor '${name}': ${error.message}`, { cause: error });
      }
      throw error;
    }
    const left = (pending.get(key) ?? 1) - 1;
    pending.set(key, left);
    if (left === 0) loaded.delete(key); // let a storage go once its last tensor holds what it needs
  }
  return result;
}

/**
 * Reads a `torch.save`d tensor state dict (`pytorch_model.bin`, `mapping_*.pth`) from a file.
 * Keys keep pickle order. Only `data.pkl` and the storages it references are read from disk.
 */
export async function readTorchStateDict(path: string): Promise<Map<string, Tensor>> {
  const archive = await openZipFile(path);
  try {
    return await readStateDict(archive, path);
  } finally {
    archive.close();
  }
}

/** Like readTorchStateDict, for a checkpoint held in memory; `source` names it in error messages. */
export async function readTorchStateDictFromBuffer(
  bytes: Uint8Array,
  source = 'torch checkpoint buffer',
): Promise<Map<string, Tensor>> {
  const archive = await openZipBuffer(bytes, source);
  try {
    return await readStateDict(archive, source);
  } finally {
    archive.close();
  }
}
