export { readTorchStateDict, readTorchStateDictFromBuffer } from './torch-zip-reader.js';
export { parseStateDictPickle } from './state-dict-pickle.js';
export type { TorchStateDictEntry } from './state-dict-pickle.js';
export { unpickleRestricted } from './restricted-unpickler.js';
export { materialiseTensor, isContiguous } from './materialise-tensor.js';
export type { MaterialiseOptions } from './materialise-tensor.js';
export { STORAGE_DTYPES } from './torch-globals.js';
export type { StorageClassName } from './torch-globals.js';
export type {
  PickleValue,
  PickleDict,
  PickleDictKey,
  PickleFloat,
  PickleList,
  PickleTuple,
  PickleGlobal,
  TorchStorageRef,
  TorchTensorRef,
} from './pickle-values.js';
