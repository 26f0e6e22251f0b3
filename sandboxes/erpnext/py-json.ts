/**
 * Python's `json.dumps(value)` byte format with default arguments, which Frappe uses for webhook
 * bodies and `_server_messages`: `", "` and `": "` separators, every character outside printable
 * ASCII escaped as `\uXXXX` (ensure_ascii), and floats printed as Python prints them (`250.0`).
 * The signature is computed over these bytes.
 */

/** A number Python holds as a float (Currency, Float and Percent fields, JSON numbers with a fraction or exponent). */
export class PyFloat {
  constructor(readonly value: number) {}
}

/** Python's `repr(float)`: shortest round-trip digits, `.0` on integral values, exponent form outside 1e-4 ≤ |x| < 1e16. */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : '-Infinity';
  const abs = Math.abs(x);
  if (abs !== 0 && (abs >= 1e16 || abs < 1e-4)) {
    const [mantissa, exponent] = x.toExponential().split('e');
    const sign = exponent.startsWith('-') ? '-' : '+';
    return `${mantissa}e${sign}${exponent.replace(/^[+-]/, '').padStart(2, '0')}`;
  }
  const text = String(x);
  return Number.isInteger(x) ? `${text}.0` : text;
}

export function pyJsonDumps(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (value instanceof PyFloat) return pyFloatRepr(value.value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : pyFloatRepr(value);
  if (typeof value === 'string') return pyString(value);
  if (Array.isArray(value)) return `[${value.map(pyJsonDumps).join(', ')}]`;
  if (typeof value === 'object') {
    return `{${Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${pyString(k)}: ${pyJsonDumps(v)}`)
      .join(', ')}}`;
  }
  // json.dumps(default=str) turns anything else into its string form.
  return pyString(String(value));
}

function pyString(text: string): string {
  // JSON.stringify escapes quotes, backslashes and control characters as Python does; what is
  // left outside printable ASCII (DEL and all non-ASCII, as UTF-16 units) gets \u escapes.
  return JSON.stringify(text).replace(/[^\x20-\x7e]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** `json.loads`: like JSON.parse, but numbers written with a fraction or exponent stay floats. */
export function pyJsonLoads(text: string): unknown {
  // Validates first, so malformed input fails with JSON.parse's own error.
  JSON.parse(text);
  let pos = 0;
  const skip = () => {
    while (/\s/.test(text[pos] ?? '')) pos++;
  };
  const value = (): unknown => {
    skip();
    const ch = text[pos];
    if (ch === '{') {
      pos++;
      const out: Record<string, unknown> = {};
      skip();
      if (text[pos] === '}') return pos++, out;
      for (;;) {
        skip();
        const key = value() as string;
        skip();
        pos++; // ':'
        out[key] = value();
        skip();
        if (text[pos++] === '}') return out;
      }
    }
    if (ch === '[') {
      pos++;
      const out: unknown[] = [];
      skip();
      if (text[pos] === ']') return pos++, out;
      for (;;) {
        out.push(value());
        skip();
        if (text[pos++] === ']') return out;
      }
    }
    if (ch === '"') {
      const match = /^"(?:[^"\\]|\\.)*"/.exec(text.slice(pos)) ?? [''];
      pos += match[0].length;
      return JSON.parse(match[0]);
    }
    const match = /^(?:-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(text.slice(pos)) ?? [''];
    pos += match[0].length;
    const literal = match[0];
    if (/[.eE]/.test(literal)) return new PyFloat(Number(literal));
    return JSON.parse(literal);
  };
  return value();
}
