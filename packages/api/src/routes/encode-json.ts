import { ApiError } from '../errors/api-error.js';
import { Float32LiteralReader } from './float32-literal.js';

const enum Ch {
  Tab = 0x09,
  Lf = 0x0a,
  Cr = 0x0d,
  Space = 0x20,
  Quote = 0x22,
  Comma = 0x2c,
  Colon = 0x3a,
  Open = 0x5b,
  Close = 0x5d,
  Brace = 0x7b,
  EndBrace = 0x7d,
}

function syntax(detail: string, at: number): ApiError {
  return new ApiError(
    'GRADIEND_ERR_REQUEST_VALIDATION',
    `JSON body must be {"inputs": [[number, …], …]}: ${detail} at byte ${at}`,
  );
}

const INPUTS_KEY = Buffer.from('"inputs"');

/**
 * Reads an encode body `{"inputs": [[number, …], …]}` straight from its bytes into float32 rows of
 * `width` values, without building a string or a JS value per row or number (the literals go
 * through `Float32LiteralReader`): the first row of the wrong length, the first value that is not a
 * finite float32, or the first stray token stops the scan. This is what keeps a body of millions of
 * empty rows (or of padding) from costing gigabytes of heap and seconds of the event loop, as
 * `JSON.parse` would, and what makes a valid body cheaper to read than `JSON.parse` makes it.
 */
export function parseEncodeJson(bytes: Uint8Array, width: number): Float32Array {
  const reader = new Float32LiteralReader(bytes);
  let pos = 0;
  const ws = () => {
    for (;;) {
      const c = bytes[pos];
      if (c === Ch.Space || c === Ch.Lf || c === Ch.Cr || c === Ch.Tab) pos++;
      else return;
    }
  };
  const expect = (code: number, what: string) => {
    ws();
    if (bytes[pos] !== code) throw syntax(`expected ${what}`, pos);
    pos++;
  };

  expect(Ch.Brace, "'{'");
  ws();
  if (!INPUTS_KEY.equals(bytes.subarray(pos, pos + INPUTS_KEY.length))) {
    throw syntax('expected the only key "inputs"', pos);
  }
  pos += INPUTS_KEY.length;
  expect(Ch.Colon, "':'");
  expect(Ch.Open, "'['");

  let out = new Float32Array(Math.max(width, 1) * 16);
  let n = 0;
  let row = 0;
  ws();
  if (bytes[pos] === Ch.Close) {
    throw new ApiError('GRADIEND_ERR_INPUT_SHAPE', 'inputs holds no rows; give at least one');
  }
  for (;;) {
    expect(Ch.Open, "'[' (a row)");
    if (n + width > out.length) {
      const grown = new Float32Array(Math.max(out.length * 2, n + width));
      grown.set(out.subarray(0, n));
      out = grown;
    }
    let count = 0;
    ws();
    if (bytes[pos] !== Ch.Close) {
      for (;;) {
        ws();
        const value = reader.read(pos);
        if (value === undefined) throw syntax(`inputs[${row}][${count}] is not a number`, pos);
        if (Number.isNaN(value)) {
          const literal = Buffer.from(bytes.buffer, bytes.byteOffset + pos, reader.end - pos);
          throw new ApiError(
            'GRADIEND_ERR_INPUT_VALUE',
            `inputs[${row}][${count}] = ${literal.toString('latin1')} is outside the float32 range`,
          );
        }
        if (count === width) {
          throw new ApiError(
            'GRADIEND_ERR_INPUT_SHAPE',
            `inputs[${row}] has more than ${width} values; the model expects ${width}`,
          );
        }
        out[n + count] = value;
        count++;
        pos = reader.end;
        ws();
        const c = bytes[pos];
        if (c === Ch.Comma) pos++;
        else if (c === Ch.Close) break;
        else throw syntax(`expected ',' or ']' in inputs[${row}]`, pos);
      }
    }
    pos++;
    if (count !== width) {
      throw new ApiError(
        'GRADIEND_ERR_INPUT_SHAPE',
        `inputs[${row}] has ${count} values but the model expects ${width}`,
      );
    }
    n += width;
    row++;
    ws();
    const c = bytes[pos];
    if (c === Ch.Comma) {
      pos++;
      continue;
    }
    if (c === Ch.Close) break;
    throw syntax("expected ',' or ']' after a row", pos);
  }
  pos++;
  expect(Ch.EndBrace, "'}' (inputs is the only key)");
  ws();
  if (pos !== bytes.length) throw syntax('unexpected data after the body', pos);
  return out.subarray(0, n);
}
