export { JsonNumber, JsonObject, toPlain, fromPlain, pythonFloatRepr } from './json-value.js';
export type { JsonValue } from './json-value.js';
export { parseJson, JsonSyntaxError } from './parse-json.js';
export { stringifyPythonJson } from './python-json.js';
