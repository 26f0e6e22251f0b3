/**
 * Python's `json.dumps(value)` byte format with default arguments, which Frappe uses for webhook
 * bodies and `_server_messages`: `", "` and `": "` separators and every character outside
 * printable ASCII escaped as `\uXXXX` (ensure_ascii). The signature is computed over these bytes.
 */
export function pyJsonDumps(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : value > 0 ? 'Infinity' : value < 0 ? '-Infinity' : 'NaN';
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
