import { PyFloat, pyFloatRepr, pyJsonDumps } from './py-json';
import type { Doc } from './store';

/**
 * The subset of Jinja the sandbox renders for `webhook_json`: `{{ path }}` and `{{ path | tojson }}`
 * over dotted names, `{% for x in path %}…[{% else %}…]{% endfor %}` with `loop.index`,
 * `loop.index0`, `loop.first`, `loop.last`, `loop.length`, and `{% if [not] path %}…[{% else %}…]{% endif %}`.
 * Output follows Jinja: None renders as `None`, `tojson` sorts keys and escapes `< > & '` as
 * Jinja's `htmlsafe_json_dumps` does, text between tags is kept byte for byte (Frappe's
 * environment sets no trim_blocks).
 *
 * A template real Jinja would refuse throws `JinjaSyntaxError` with Jinja's own message and line
 * (what Frappe's `validate_template` reports, 351); one real Jinja accepts but this subset does not
 * model (other filters, tags, expressions) throws a plain `SyntaxError`, so the sandbox refuses it
 * rather than render it wrongly. The messages for unclosed and misnested blocks follow
 * jinja2/parser.py (`_fail_ut_eof`), read from source; only the unclosed print statement has a capture.
 */
export class JinjaSyntaxError extends SyntaxError {
  constructor(
    message: string,
    readonly lineno: number,
  ) {
    super(message);
  }
}

type Context = Record<string, unknown>;
type Renderer = (context: Context) => string;

interface Block {
  tag: 'for' | 'if';
  /** The tags that may close or continue it, as Jinja's parser lists them. */
  endTokens: string[];
  body: Renderer[];
  otherwise: Renderer[];
  inElse: boolean;
  build(body: Renderer[], otherwise: Renderer[]): Renderer;
}

const pathPattern = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;
/** Statements real Jinja (with Frappe's `do` extension) knows but this subset does not render. */
const knownTags = new Set(['block', 'extends', 'print', 'macro', 'call', 'filter', 'include', 'from', 'import', 'set', 'with', 'autoescape', 'do', 'elif', 'continue', 'break']);

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

/** Python truthiness, which Jinja's `if` uses. */
function truthy(value: unknown): boolean {
  if (value instanceof PyFloat) return value.value !== 0;
  if (Array.isArray(value)) return value.length > 0;
  if (value && typeof value === 'object') return Object.keys(value).length > 0;
  return Boolean(value);
}

function lookup(path: string): (context: Context) => unknown {
  if (!pathPattern.test(path)) throw new SyntaxError(`unsupported expression ${path}`);
  const keys = path.split('.');
  return (context) => {
    let value: unknown = context;
    for (const key of keys) value = value && typeof value === 'object' ? (value as Doc)[key] : undefined;
    return value;
  };
}

function printStatement(inner: string): Renderer {
  const [path, ...filters] = inner.split('|').map((s) => s.trim());
  for (const filter of filters) if (filter !== 'tojson') throw new SyntaxError(`unsupported filter ${filter}`);
  const value = lookup(path);
  return (context) => (filters.length > 0 ? tojson(value(context) ?? null) : jinjaString(value(context)));
}

/** Iterating as Python does: a list's items, a dict's keys; anything else is a render-time TypeError. */
function items(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (value && typeof value === 'object') return Object.keys(value);
  throw new TypeError(`'${value === null || value === undefined ? 'NoneType' : typeof value}' object is not iterable`);
}

function forBlock(target: string, iterable: (context: Context) => unknown): Block {
  return {
    tag: 'for',
    endTokens: ['endfor', 'else'],
    body: [],
    otherwise: [],
    inElse: false,
    build: (body, otherwise) => (context) => {
      const list = items(iterable(context));
      if (list.length === 0) return otherwise.map((r) => r(context)).join('');
      return list
        .map((item, i) => {
          const loop = { index: i + 1, index0: i, first: i === 0, last: i === list.length - 1, length: list.length };
          const inner = { ...context, [target]: item, loop };
          return body.map((r) => r(inner)).join('');
        })
        .join('');
    },
  };
}

function ifBlock(negate: boolean, condition: (context: Context) => unknown): Block {
  return {
    tag: 'if',
    endTokens: ['elif', 'else', 'endif'],
    body: [],
    otherwise: [],
    inElse: false,
    build: (body, otherwise) => (context) => (truthy(condition(context)) !== negate ? body : otherwise).map((r) => r(context)).join(''),
  };
}

/** jinja2's `_fail_ut_eof`: an unknown tag (or the end, `name` undefined) with the open blocks named. */
function unexpectedTag(name: string | undefined, stack: Block[], lineno: number): never {
  const expected = new Set(stack.flatMap((b) => b.endTokens));
  const looking = stack.length > 0 ? stack[stack.length - 1].endTokens.map((t) => `'${t}'`).join(' or ') : undefined;
  const message = [name === undefined ? 'Unexpected end of template.' : `Encountered unknown tag '${name}'.`];
  if (looking) {
    if (name !== undefined && expected.has(name)) message.push(`You probably made a nesting mistake. Jinja is expecting this tag, but currently looking for ${looking}.`);
    else message.push(`Jinja was looking for the following tags: ${looking}.`);
  }
  if (stack.length > 0) message.push(`The innermost block that needs to be closed is '${stack[stack.length - 1].tag}'.`);
  throw new JinjaSyntaxError(message.join(' '), lineno);
}

export function compileTemplate(source: string): Renderer {
  const top: Renderer[] = [];
  const stack: Block[] = [];
  const target = () => {
    const block = stack[stack.length - 1];
    return block ? (block.inElse ? block.otherwise : block.body) : top;
  };
  const lineAt = (index: number) => source.slice(0, index).split('\n').length;
  const lastLine = lineAt(source.length);
  let at = 0;
  while (at < source.length) {
    const open = source.slice(at).search(/\{[{%#]/);
    if (open < 0) {
      const text = source.slice(at);
      target().push(() => text);
      break;
    }
    const start = at + open;
    const text = source.slice(at, start);
    if (text) target().push(() => text);
    const kind = source[start + 1];
    if (kind === '#') throw new SyntaxError('Jinja comments are not modelled');
    const close = source.indexOf(kind === '{' ? '}}' : '%}', start + 2);
    const inner = source.slice(start + 2, close < 0 ? undefined : close).trim();
    if (inner.startsWith('-') || inner.endsWith('-') || inner.startsWith('+')) throw new SyntaxError('Jinja whitespace control is not modelled');
    if (close < 0) {
      // The parser reaches the end inside the tag: Jinja names what it still expected (351).
      if (kind === '{' && pathPattern.test(inner.split('|')[0].trim())) throw new JinjaSyntaxError("unexpected end of template, expected 'end of print statement'.", lastLine);
      throw new SyntaxError('an unclosed tag the sandbox cannot parse as Jinja does');
    }
    at = close + 2;
    if (kind === '{') {
      target().push(printStatement(inner));
      continue;
    }
    const [name, ...rest] = inner.split(/\s+/);
    const block = stack[stack.length - 1];
    if (name === 'for') {
      const [variable, keyword, path, ...extra] = rest;
      if (keyword !== 'in' || extra.length > 0 || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(variable ?? '')) throw new SyntaxError(`unsupported for statement: ${inner}`);
      stack.push(forBlock(variable, lookup(path ?? '')));
    } else if (name === 'if') {
      const negate = rest[0] === 'not';
      const condition = negate ? rest.slice(1) : rest;
      if (condition.length !== 1) throw new SyntaxError(`unsupported if condition: ${inner}`);
      stack.push(ifBlock(negate, lookup(condition[0])));
    } else if (name === 'else' && block && !block.inElse && rest.length === 0) {
      block.inElse = true;
    } else if ((name === 'endfor' || name === 'endif') && block?.tag === name.slice(3) && rest.length === 0) {
      stack.pop();
      target().push(block.build(block.body, block.otherwise));
    } else if (knownTags.has(name) || name === 'else') {
      throw new SyntaxError(`unsupported tag {% ${inner} %}`);
    } else unexpectedTag(name, stack, lineAt(start));
  }
  if (stack.length > 0) unexpectedTag(undefined, stack, lastLine);
  return (context) => top.map((r) => r(context)).join('');
}
