import { FrappeException } from './frappe-errors';

/**
 * Python 3.11's `json.loads` as Frappe calls it on a request body (`make_form_dict`, 060) and on
 * the `fields`/`filters` query arguments (`frappe/api/v1.py`, `reportview.parse_json`, 036, 037):
 * malformed text is an uncaught `json.decoder.JSONDecodeError`, a 500 whose text is the decoder's
 * own message and position ("Expecting value: line 1 column 17 (char 16)"). The messages and the
 * positions they point at follow CPython's json scanner (Lib/json/decoder.py and the C scanner it
 * accelerates), read from its source; the captures show two of them.
 */
export function jsonLoads(text: string): unknown {
  const error = pyJsonDecodeError(text);
  if (error) throw new FrappeException('JSONDecodeError', 500, [], undefined, { text: error, silent: true });
  return JSON.parse(text) as unknown;
}

/** `json.loads(value)` of something that is not text: `the JSON object must be str, bytes or bytearray, not list` (095). */
export function jsonLoadsArg(value: unknown): unknown {
  if (typeof value === 'string') return jsonLoads(value);
  const pyType = Array.isArray(value) ? 'list' : value === null || value === undefined ? 'NoneType' : typeof value === 'object' ? 'dict' : typeof value === 'number' ? (Number.isInteger(value) ? 'int' : 'float') : typeof value === 'boolean' ? 'bool' : typeof value;
  throw new FrappeException('TypeError', 500, [], undefined, { text: `the JSON object must be str, bytes or bytearray, not ${pyType}`, silent: true });
}

class DecodeError extends Error {
  constructor(
    readonly reason: string,
    readonly pos: number,
  ) {
    super(reason);
  }
}

const whitespace = new Set([' ', '\t', '\n', '\r']);

/** The JSONDecodeError text Python gives for `text`, or undefined when it parses. */
export function pyJsonDecodeError(text: string): string | undefined {
  // Python indexes code points; JavaScript strings are UTF-16 units.
  const chars = Array.from(text);
  try {
    if (chars[0] === '\ufeff') throw new DecodeError('Unexpected UTF-8 BOM (decode using utf-8-sig)', 0);
    let pos = skip(chars, 0);
    pos = scanValue(chars, pos);
    pos = skip(chars, pos);
    if (pos !== chars.length) throw new DecodeError('Extra data', pos);
    return undefined;
  } catch (err) {
    if (!(err instanceof DecodeError)) throw err;
    const before = chars.slice(0, err.pos);
    const line = before.filter((ch) => ch === '\n').length + 1;
    const column = err.pos - before.lastIndexOf('\n');
    return `${err.reason}: line ${line} column ${column} (char ${err.pos})`;
  }
}

function skip(chars: string[], pos: number): number {
  while (whitespace.has(chars[pos] ?? '')) pos++;
  return pos;
}

function scanValue(chars: string[], pos: number): number {
  const ch = chars[pos];
  if (ch === '"') return scanString(chars, pos + 1);
  if (ch === '{') return scanObject(chars, pos + 1);
  if (ch === '[') return scanArray(chars, pos + 1);
  // Python also takes NaN and Infinity; the sandbox refuses them (stricter, never more forgiving).
  for (const literal of ['null', 'true', 'false']) {
    if (chars.slice(pos, pos + literal.length).join('') === literal) return pos + literal.length;
  }
  const number = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?/.exec(chars.slice(pos, pos + 400).join(''));
  if (number) return pos + number[0].length;
  throw new DecodeError('Expecting value', pos);
}

/** `pos` is just after the opening quote; errors about the string point at that quote. */
function scanString(chars: string[], pos: number): number {
  const start = pos - 1;
  for (;;) {
    const ch = chars[pos];
    if (ch === undefined) throw new DecodeError('Unterminated string starting at', start);
    if (ch === '"') return pos + 1;
    if (ch.charCodeAt(0) < 0x20) throw new DecodeError('Invalid control character at', pos);
    if (ch === '\\') {
      const escape = chars[pos + 1];
      if (escape === undefined) throw new DecodeError('Unterminated string starting at', start);
      if (escape === 'u') {
        if (!/^[0-9a-fA-F]{4}$/.test(chars.slice(pos + 2, pos + 6).join(''))) throw new DecodeError('Invalid \\uXXXX escape', pos + 1);
        pos += 6;
        continue;
      }
      if (!'"\\/bfnrt'.includes(escape)) throw new DecodeError('Invalid \\escape', pos);
      pos += 2;
      continue;
    }
    pos++;
  }
}

function scanObject(chars: string[], pos: number): number {
  pos = skip(chars, pos);
  if (chars[pos] === '}') return pos + 1;
  for (;;) {
    if (chars[pos] !== '"') throw new DecodeError('Expecting property name enclosed in double quotes', pos);
    pos = skip(chars, scanString(chars, pos + 1));
    if (chars[pos] !== ':') throw new DecodeError("Expecting ':' delimiter", pos);
    pos = skip(chars, pos + 1);
    pos = skip(chars, scanValue(chars, pos));
    if (chars[pos] === '}') return pos + 1;
    if (chars[pos] !== ',') throw new DecodeError("Expecting ',' delimiter", pos);
    pos = skip(chars, pos + 1);
  }
}

function scanArray(chars: string[], pos: number): number {
  pos = skip(chars, pos);
  if (chars[pos] === ']') return pos + 1;
  for (;;) {
    pos = skip(chars, scanValue(chars, pos));
    if (chars[pos] === ']') return pos + 1;
    if (chars[pos] !== ',') throw new DecodeError("Expecting ',' delimiter", pos);
    pos = skip(chars, pos + 1);
  }
}
