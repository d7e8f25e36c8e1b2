import { ApiError } from '../errors/api-error.js';

const FLT_MAX = 3.4028234663852886e38;

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

/** JSON number grammar, anchored at the scan position. */
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

function syntax(detail: string, at: number): ApiError {
  return new ApiError(
    'GRADIEND_ERR_REQUEST_VALIDATION',
    `JSON body must be {"inputs": [[number, …], …]}: ${detail} at byte ${at}`,
  );
}

/**
 * Reads an encode body `{"inputs": [[number, …], …]}` straight into float32 rows of `width`
 * values, without building a JS value per row or number: the first row of the wrong length, the
 * first value that is not a finite float32, or the first stray token stops the scan. This is what
 * keeps a body of millions of empty rows (or of padding) from costing gigabytes of heap and
 * seconds of the event loop, as `JSON.parse` would.
 */
export function parseEncodeJson(bytes: Uint8Array, width: number): Float32Array {
  // latin1 maps each byte to one char, so positions are byte offsets; numbers are ASCII anyway.
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  let pos = 0;
  const ws = () => {
    for (;;) {
      const c = text.charCodeAt(pos);
      if (c === Ch.Space || c === Ch.Lf || c === Ch.Cr || c === Ch.Tab) pos++;
      else return;
    }
  };
  const expect = (code: number, what: string) => {
    ws();
    if (text.charCodeAt(pos) !== code) throw syntax(`expected ${what}`, pos);
    pos++;
  };

  expect(Ch.Brace, "'{'");
  ws();
  if (!text.startsWith('"inputs"', pos)) throw syntax('expected the only key "inputs"', pos);
  pos += 8;
  expect(Ch.Colon, "':'");
  expect(Ch.Open, "'['");

  let out = new Float32Array(Math.max(width, 1) * 16);
  let n = 0;
  let row = 0;
  ws();
  if (text.charCodeAt(pos) === Ch.Close) {
    throw new ApiError('GRADIEND_ERR_INPUT_SHAPE', 'inputs holds no rows; give at least one');
  }
  for (;;) {
    expect(Ch.Open, "'[' (a row)");
    let count = 0;
    ws();
    if (text.charCodeAt(pos) !== Ch.Close) {
      for (;;) {
        ws();
        NUMBER.lastIndex = pos;
        const literal = NUMBER.exec(text)?.[0];
        if (literal === undefined) throw syntax(`inputs[${row}][${count}] is not a number`, pos);
        const value = Number(literal);
        if (!(Math.abs(value) <= FLT_MAX)) {
          throw new ApiError(
            'GRADIEND_ERR_INPUT_VALUE',
            `inputs[${row}][${count}] = ${literal} is outside the float32 range`,
          );
        }
        if (count === width) {
          throw new ApiError(
            'GRADIEND_ERR_INPUT_SHAPE',
            `inputs[${row}] has more than ${width} values; the model expects ${width}`,
          );
        }
        if (n === out.length) {
          const grown = new Float32Array(out.length * 2);
          grown.set(out);
          out = grown;
        }
        out[n++] = value;
        count++;
        pos += literal.length;
        ws();
        const c = text.charCodeAt(pos);
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
    row++;
    ws();
    const c = text.charCodeAt(pos);
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
  if (pos !== text.length) throw syntax('unexpected data after the body', pos);
  return out.subarray(0, n);
}
