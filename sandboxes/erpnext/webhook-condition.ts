import type { Doc } from './store';

/**
 * The subset of Python expressions the sandbox evaluates for Webhook `condition` (Frappe runs any
 * expression through `safe_eval`): `doc.field` and `doc.get("field")`, string/number literals,
 * `None`/`True`/`False`, lists, comparisons (`== != < > <= >=`, `in`, `not in`), `and`, `or`,
 * `not` and parentheses. Anything else is refused when the Webhook is saved.
 */
type Token = { kind: 'name' | 'string' | 'number' | 'op' | 'punct'; text: string };
type Value = unknown;

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  const pattern = /\s*(?:(\d+(?:\.\d+)?)|("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')|(==|!=|<=|>=|<|>)|([A-Za-z_][A-Za-z0-9_]*)|([().,[\]]))/y;
  let index = 0;
  while (index < source.length) {
    if (/^\s*$/.test(source.slice(index))) break;
    pattern.lastIndex = index;
    const m = pattern.exec(source);
    if (!m) throw new SyntaxError(`unexpected character at ${index}: ${source.slice(index, index + 10)}`);
    index = pattern.lastIndex;
    if (m[1]) tokens.push({ kind: 'number', text: m[1] });
    else if (m[2]) tokens.push({ kind: 'string', text: m[2].slice(1, -1).replace(/\\(.)/g, '$1') });
    else if (m[3]) tokens.push({ kind: 'op', text: m[3] });
    else if (m[4]) tokens.push({ kind: 'name', text: m[4] });
    else tokens.push({ kind: 'punct', text: m[5] });
  }
  return tokens;
}

const truthy = (v: Value) => !(v === null || v === undefined || v === false || v === 0 || v === '' || (Array.isArray(v) && v.length === 0));

function equal(a: Value, b: Value): boolean {
  if ((a === null || a === undefined) && (b === null || b === undefined)) return true;
  return typeof a === typeof b && JSON.stringify(a) === JSON.stringify(b);
}

/** Parses once (so a bad condition fails at save time) and returns an evaluator. */
export function compileCondition(source: string): (doc: Doc) => boolean {
  const tokens = tokenize(source);
  let pos = 0;
  const peek = () => tokens[pos];
  const take = (text?: string) => {
    const t = tokens[pos];
    if (!t || (text !== undefined && t.text !== text)) throw new SyntaxError(`expected ${text ?? 'a token'} near token ${pos + 1}`);
    pos++;
    return t;
  };

  type Node = (doc: Doc) => Value;
  const orExpr = (): Node => {
    let left = andExpr();
    while (peek()?.text === 'or') {
      take();
      const l = left;
      const r = andExpr();
      left = (doc) => (truthy(l(doc)) ? l(doc) : r(doc));
    }
    return left;
  };
  const andExpr = (): Node => {
    let left = notExpr();
    while (peek()?.text === 'and') {
      take();
      const l = left;
      const r = notExpr();
      left = (doc) => (truthy(l(doc)) ? r(doc) : l(doc));
    }
    return left;
  };
  const notExpr = (): Node => {
    if (peek()?.text === 'not') {
      take();
      const inner = notExpr();
      return (doc) => !truthy(inner(doc));
    }
    return comparison();
  };
  const comparison = (): Node => {
    const left = primary();
    const t = peek();
    if (t?.kind === 'op') {
      take();
      const right = primary();
      const op = t.text;
      return (doc) => {
        const a = left(doc);
        const b = right(doc);
        if (op === '==') return equal(a, b);
        if (op === '!=') return !equal(a, b);
        const x = a as number | string;
        const y = b as number | string;
        return op === '<' ? x < y : op === '>' ? x > y : op === '<=' ? x <= y : x >= y;
      };
    }
    const negated = t?.text === 'not' && tokens[pos + 1]?.text === 'in';
    if (t?.text === 'in' || negated) {
      if (negated) take();
      take('in');
      const right = primary();
      return (doc) => {
        const haystack = right(doc);
        const needle = left(doc);
        const found = Array.isArray(haystack) ? haystack.some((v) => equal(v, needle)) : typeof haystack === 'string' && haystack.includes(String(needle));
        return negated ? !found : found;
      };
    }
    return left;
  };
  const primary = (): Node => {
    const t = take();
    if (t.kind === 'number') return () => Number(t.text);
    if (t.kind === 'string') return () => t.text;
    if (t.text === '(') {
      const inner = orExpr();
      take(')');
      return inner;
    }
    if (t.text === '[') {
      const items: Node[] = [];
      while (peek()?.text !== ']') {
        items.push(orExpr());
        if (peek()?.text === ',') take(',');
      }
      take(']');
      return (doc) => items.map((i) => i(doc));
    }
    if (t.text === 'None') return () => null;
    if (t.text === 'True') return () => true;
    if (t.text === 'False') return () => false;
    if (t.text === 'doc') {
      take('.');
      const field = take();
      if (field.kind !== 'name') throw new SyntaxError('expected a field name after doc.');
      if (field.text === 'get' && peek()?.text === '(') {
        take('(');
        const key = take();
        if (key.kind !== 'string') throw new SyntaxError('doc.get() takes a field name string');
        take(')');
        return (doc) => doc[key.text] ?? null;
      }
      return (doc) => doc[field.text] ?? null;
    }
    throw new SyntaxError(`unsupported expression near "${t.text}"`);
  };

  const root = orExpr();
  if (pos !== tokens.length) throw new SyntaxError(`unexpected "${tokens[pos].text}"`);
  return (doc) => truthy(root(doc));
}
