import { PyFloat, pyFloatRepr, pyJsonDumps } from './py-json';

/**
 * `frappe.as_json`: Python's `json.dumps(indent=1, sort_keys=True, separators=(",", ": "))`, non-ASCII
 * escaped, floats as Python prints them, bytes as a list of their values (what the Webhook Request
 * Log's `data` and `headers` hold, 355: the signature header, bytes in Python, is such a list).
 */
export class PyBytes {
  constructor(readonly value: Buffer) {}
}

export function frappeAsJson(value: unknown, depth = 0): string {
  const pad = (n: number) => `\n${' '.repeat(n)}`;
  if (value instanceof PyFloat) return pyFloatRepr(value.value);
  if (value instanceof PyBytes) return frappeAsJson([...value.value], depth);
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[${value.map((item) => pad(depth + 1) + frappeAsJson(item, depth + 1)).join(',')}${pad(depth)}]`;
  }
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    if (entries.length === 0) return '{}';
    return `{${entries.map(([k, v]) => `${pad(depth + 1)}${pyJsonDumps(k)}: ${frappeAsJson(v, depth + 1)}`).join(',')}${pad(depth)}}`;
  }
  return pyJsonDumps(value);
}
