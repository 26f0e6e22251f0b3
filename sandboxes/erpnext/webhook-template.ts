import { PyFloat, pyFloatRepr, pyJsonDumps } from './py-json';
import type { Doc } from './store';

/**
 * The subset of Jinja the sandbox renders for `webhook_json`: `{{ doc }}`, `{{ doc.field }}`,
 * `{{ doc.table[0].field }}`-free paths of dotted names, and the `tojson` filter. Output follows
 * Jinja: None renders as `None`, `tojson` sorts keys and escapes `< > & '` as Jinja's
 * `htmlsafe_json_dumps` does. Blocks (`{% %}`) and other filters are refused when saved.
 */
const expression = /\{\{\s*([^}]*?)\s*\}\}/g;

type Renderer = (context: Record<string, unknown>) => string;

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value instanceof PyFloat) return value;
  if (value && typeof value === 'object') return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys((value as Doc)[k])]));
  return value;
}

function jinjaString(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (value instanceof PyFloat) return pyFloatRepr(value.value);
  if (typeof value === 'object') return pyJsonDumps(value);
  return String(value);
}

const tojson = (value: unknown) =>
  pyJsonDumps(sortKeys(value)).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026').replace(/'/g, '\\u0027');

export function compileTemplate(source: string): Renderer {
  if (source.includes('{%')) throw new SyntaxError('Jinja blocks ({% %}) are not supported by the sandbox');
  const parts: (string | ((context: Record<string, unknown>) => string))[] = [];
  let last = 0;
  for (const match of source.matchAll(expression)) {
    parts.push(source.slice(last, match.index));
    last = (match.index ?? 0) + match[0].length;
    const [path, ...filters] = match[1].split('|').map((s) => s.trim());
    if (!/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/.test(path)) throw new SyntaxError(`unsupported expression {{ ${match[1]} }}`);
    for (const filter of filters) if (filter !== 'tojson') throw new SyntaxError(`unsupported filter ${filter}`);
    const keys = path.split('.');
    parts.push((context) => {
      let value: unknown = context;
      for (const key of keys) value = value && typeof value === 'object' ? (value as Doc)[key] : undefined;
      return filters.length > 0 ? tojson(value ?? null) : jinjaString(value);
    });
  }
  parts.push(source.slice(last));
  return (context) => parts.map((p) => (typeof p === 'string' ? p : p(context))).join('');
}
