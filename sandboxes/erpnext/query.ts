import { frappeThrow } from './frappe-errors';
import { numericTypes, type MetaRegistry } from './meta';
import { jsonLoads } from './py-json-decode';
import type { Doc } from './store';

/**
 * `frappe.client.get_list` / `frappe.get_list` over the in-memory tables: fields, filters (list and
 * dict forms), or_filters, order_by, limit_start, limit_page_length. Comparisons follow MariaDB's
 * default collation (case-insensitive) and Frappe's `ifnull(field, '')` wrapping of NULLs.
 */
export interface ListArgs {
  fields?: unknown;
  filters?: unknown;
  or_filters?: unknown;
  order_by?: unknown;
  limit_start?: unknown;
  limit_page_length?: unknown;
  limit?: unknown;
  /** `frappe.client.get_list(as_dict=…)`: false gives each row as its values in field order (044). */
  as_dict?: unknown;
}

/** The typing wrapper's bool conversion of a query-string `as_dict` ("0", "false" → false). */
const isFalse = (v: unknown) => v === false || v === 0 || (typeof v === 'string' && ['0', 'false'].includes(v.toLowerCase()));

interface Condition {
  /** A child DocType when the filter names one: the row matches if any child row does. */
  childDoctype?: string;
  fieldname: string;
  operator: string;
  value: unknown;
}

const standardFields = ['name', 'owner', 'creation', 'modified', 'modified_by', 'docstatus', 'idx'];

/** Query arguments arrive as JSON strings (query string) or as JSON values (JSON body). */
export function parseJsonArg(value: unknown, what: string): unknown {
  if (typeof value !== 'string') return value;
  const trimmed = value.trim();
  if (!trimmed.startsWith('[') && !trimmed.startsWith('{')) return value;
  try {
    return JSON.parse(trimmed);
  } catch {
    return frappeThrow('ValidationError', `Invalid JSON in ${what}`);
  }
}

/**
 * `reportview.parse_json`, which `get_list` runs on its arguments: a non-empty string `filters`,
 * `or_filters` or `fields` is `json.loads`ed, so a comma list or `name=x` is a 500 JSONDecodeError
 * (036, 037); only `fields="*"` is taken as is.
 */
function parseListArg(value: unknown, what: 'fields' | 'filters' | 'or_filters'): unknown {
  if (typeof value !== 'string' || value === '') return value;
  if (what === 'fields' && value === '*') return ['*'];
  return jsonLoads(value);
}

/**
 * The operators `get_filter` accepts, checked when the query is built (035), whether or not any row
 * is compared. Frappe keeps them in a Python set, so its message lists them in string-hash order,
 * which changes with every process (PYTHONHASHSEED); the order the capture printed is one of them.
 */
const validOperators = ['between', 'like', 'not descendants of', 'previous', 'is', '>', '=', '!=', '<', 'timespan', 'descendants of', 'fiscal year', 'not ancestors of', 'not like', '<=', 'descendants of (inclusive)', 'ancestors of', 'next', '>=', 'not in', 'in'];

function checkOperators(conditions: Condition[]): Condition[] {
  for (const c of conditions) if (!validOperators.includes(c.operator)) frappeThrow('ValidationError', `Operator must be one of ${validOperators.join(', ')}`);
  return conditions;
}

function parseConditions(doctype: string, raw: unknown, what: string): Condition[] {
  return checkOperators(conditionsOf(doctype, raw, what));
}

function conditionsOf(doctype: string, raw: unknown, what: string): Condition[] {
  const value = parseJsonArg(raw, what);
  if (value === undefined || value === null || value === '') return [];
  if (Array.isArray(value)) {
    return value.map((item) => {
      if (!Array.isArray(item)) return frappeThrow('ValidationError', `Invalid filter: ${JSON.stringify(item)}`);
      if (item.length === 4) {
        const [dt, fieldname, operator, v] = item as [string, string, string, unknown];
        return { childDoctype: dt === doctype ? undefined : dt, fieldname, operator: String(operator).toLowerCase(), value: v };
      }
      if (item.length === 3) return { fieldname: String(item[0]), operator: String(item[1]).toLowerCase(), value: item[2] };
      if (item.length === 2) return { fieldname: String(item[0]), operator: '=', value: item[1] };
      return frappeThrow('ValidationError', `Invalid filter: ${JSON.stringify(item)}`);
    });
  }
  if (typeof value === 'object') {
    return Object.entries(value).map(([fieldname, v]) =>
      Array.isArray(v) ? { fieldname, operator: String(v[0]).toLowerCase(), value: v[1] } : { fieldname, operator: '=', value: v },
    );
  }
  return frappeThrow('ValidationError', `Invalid ${what}`);
}

const isEmpty = (v: unknown) => v === null || v === undefined || v === '';

/** Numbers compare as numbers; everything else as case-insensitive text. */
function compare(a: unknown, b: unknown, numeric: boolean): number {
  if (numeric) return (Number(a ?? 0) || 0) - (Number(b ?? 0) || 0);
  const x = String(a ?? '').toLowerCase();
  const y = String(b ?? '').toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

function likeToRegExp(pattern: string): RegExp {
  const source = pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%/g, '.*').replace(/_/g, '.');
  return new RegExp(`^${source}$`, 'is');
}

const listOf = (v: unknown): unknown[] => (Array.isArray(v) ? v : String(v ?? '').split(',').map((s) => s.trim()).filter((s) => s !== ''));

function matches(actual: unknown, operator: string, expected: unknown, numeric: boolean): boolean {
  switch (operator) {
    case '=':
      return compare(actual, expected, numeric) === 0;
    case '!=':
      return compare(actual, expected, numeric) !== 0;
    case '>':
      return compare(actual, expected, numeric) > 0;
    case '<':
      return compare(actual, expected, numeric) < 0;
    case '>=':
      return compare(actual, expected, numeric) >= 0;
    case '<=':
      return compare(actual, expected, numeric) <= 0;
    case 'like':
      return likeToRegExp(String(expected)).test(String(actual ?? ''));
    case 'not like':
      return !likeToRegExp(String(expected)).test(String(actual ?? ''));
    case 'in':
      return listOf(expected).some((v) => compare(actual, v, numeric) === 0);
    case 'not in':
      return !listOf(expected).some((v) => compare(actual, v, numeric) === 0);
    case 'is':
      if (expected === 'set') return !isEmpty(actual);
      if (expected === 'not set') return isEmpty(actual);
      return frappeThrow('ValidationError', `Invalid value for "is" filter: ${String(expected)}`);
    case 'between': {
      const [from, to] = listOf(expected);
      return compare(actual, from, numeric) >= 0 && compare(actual, to, numeric) <= 0;
    }
    default:
      return frappeThrow('ValidationError', `The sandbox does not model the "${operator}" filter operator`);
  }
}

/**
 * The order MariaDB's plan gives when the query has no ORDER BY: the REST API and
 * `frappe.client.get_list` pass `order_by=None`, which leaves the DocType's sort order out, and the
 * captures show the consequence. A list of only `name`/`modified` without filters reads the
 * covering `modified` index, oldest first (027, 030: 00002, 00003, 00001 by their stamps); any
 * other list reads the primary key, names in collation order (011, 012, 020–025). MariaDB's
 * cost-based choice is modelled only as far as these captures show it.
 */
function planOrder(rows: Doc[], fields: string[], conditions: Condition[], isUnique: (fieldname: string) => boolean): Doc[] {
  // A `=` or a `like` with a literal prefix on a unique column is a range read of its unique index:
  // rows come in that column's order (019: jose_nunez.u1, jose_nunez.u2, josexnunez.u1, …).
  const ranged = conditions.find((c) => !c.childDoctype && c.fieldname !== 'name' && isUnique(c.fieldname) && (c.operator === '=' || (c.operator === 'like' && /^[^%_]/.test(String(c.value)))));
  if (ranged) return sortedBy(rows, (doc) => String(doc[ranged.fieldname] ?? '').toLowerCase());
  const indexed = (f: string) => f === 'name' || f === 'modified';
  // A lookup of a few names reads the primary key (020, 021, 025); `name in` a long list (046: 90,
  // 047: 399 names) is costed as a scan of the covering index instead.
  const pointLookup = (c: Condition) => c.fieldname === 'name' && (c.operator === '=' || (c.operator === 'in' && listOf(c.value).length <= 10));
  const covered = fields.every(indexed) && conditions.every((c) => !c.childDoctype && indexed(c.fieldname) && !pointLookup(c));
  return sortedBy(rows, (doc) => (covered ? String(doc.modified ?? '') : String(doc.name ?? '').toLowerCase()));
}

function sortedBy(rows: Doc[], key: (doc: Doc) => string): Doc[] {
  return [...rows].sort((a, b) => {
    const x = key(a);
    const y = key(b);
    return x < y ? -1 : x > y ? 1 : 0;
  });
}

export function createQuery(meta: MetaRegistry) {
  const knownField = (doctype: string, fieldname: string) => standardFields.includes(fieldname) || meta.field(doctype, fieldname) !== undefined || (fieldname === 'parent' && meta.get(doctype)?.istable);

  const isNumeric = (doctype: string, fieldname: string) => {
    if (fieldname === 'docstatus' || fieldname === 'idx') return true;
    const field = meta.field(doctype, fieldname);
    return field !== undefined && numericTypes.has(field.fieldtype);
  };

  function checkField(doctype: string, fieldname: string) {
    if (!knownField(doctype, fieldname)) frappeThrow('DataError', `Field not permitted in query: ${fieldname}`);
  }

  function testCondition(doctype: string, doc: Doc, c: Condition): boolean {
    if (c.childDoctype) {
      const tableField = meta.get(doctype)?.fields.find((x) => x.fieldtype === 'Table' && x.options === c.childDoctype);
      if (!tableField) return frappeThrow('DataError', `${c.childDoctype} is not a child table of ${doctype}`);
      checkField(c.childDoctype, c.fieldname);
      const rows = (doc[tableField.fieldname] as Doc[] | undefined) ?? [];
      return rows.some((row) => matches(row[c.fieldname], c.operator, c.value, isNumeric(c.childDoctype ?? '', c.fieldname)));
    }
    checkField(doctype, c.fieldname);
    return matches(doc[c.fieldname], c.operator, c.value, isNumeric(doctype, c.fieldname));
  }

  function orderBy(doctype: string, raw: unknown): { fieldname: string; desc: boolean }[] {
    if (isEmpty(raw)) return [];
    return String(raw)
      .split(',')
      .map((part) => {
        const [column, direction = 'asc'] = part.trim().split(/\s+/);
        const fieldname = column.replace(/`/g, '').replace(/^tab[^.]+\./, '');
        checkField(doctype, fieldname);
        if (!['asc', 'desc'].includes(direction.toLowerCase())) frappeThrow('DataError', `Invalid order_by: ${String(raw)}`);
        return { fieldname, desc: direction.toLowerCase() === 'desc' };
      });
  }

  function selectFields(doctype: string, raw: unknown): string[] {
    const value = parseJsonArg(raw, 'fields');
    if (isEmpty(value)) return ['name'];
    const list = Array.isArray(value) ? value.map(String) : String(value).split(',').map((s) => s.trim());
    if (list.includes('*')) return ['*'];
    return list.map((field) => {
      const fieldname = field.replace(/`/g, '').replace(/^tab[^.]+\./, '');
      checkField(doctype, fieldname);
      return fieldname;
    });
  }

  const query = {
    /** The rows a list call returns, nulls included (database rows, not documents). `docs` are stored rows, read only. */
    list(doctype: string, docs: readonly Doc[], args: ListArgs, row: (doc: Doc) => Doc): Doc[] {
      const [filters, orFilters, fieldList] = [parseListArg(args.filters, 'filters'), parseListArg(args.or_filters, 'or_filters'), parseListArg(args.fields, 'fields')];
      const conditions = parseConditions(doctype, filters, 'filters');
      const orConditions = parseConditions(doctype, orFilters, 'or_filters');
      const order = orderBy(doctype, args.order_by);
      const fields = selectFields(doctype, fieldList);
      const start = Math.max(0, Number(args.limit_start ?? 0) || 0);
      const pageRaw = args.limit_page_length ?? args.limit;
      const pageLength = isEmpty(pageRaw) ? 20 : Math.max(0, Number(pageRaw) || 0);

      let selected = docs.filter(
        (doc) => conditions.every((c) => testCondition(doctype, doc, c)) && (orConditions.length === 0 || orConditions.some((c) => testCondition(doctype, doc, c))),
      );
      if (order.length === 0) selected = planOrder(selected, fields, [...conditions, ...orConditions], (fieldname) => orConditions.length === 0 && meta.field(doctype, fieldname)?.unique === true);
      else {
        // Sort keys computed once per row, not once per comparison.
        const keyed = selected.map((doc) => ({ doc, keys: order.map(({ fieldname }) => (isNumeric(doctype, fieldname) ? Number(doc[fieldname] ?? 0) || 0 : String(doc[fieldname] ?? '').toLowerCase())) }));
        keyed.sort((a, b) => {
          for (let i = 0; i < order.length; i++) {
            const x = a.keys[i];
            const y = b.keys[i];
            const result = x < y ? -1 : x > y ? 1 : 0;
            if (result !== 0) return order[i].desc ? -result : result;
          }
          return 0;
        });
        selected = keyed.map((k) => k.doc);
      }
      const page = pageLength === 0 ? selected.slice(start) : selected.slice(start, start + pageLength);
      return page.map((doc) => {
        const full = row(doc);
        if (fields[0] === '*') return full;
        return Object.fromEntries(fields.map((fieldname) => [fieldname, full[fieldname] ?? null]));
      });
    },

    count(doctype: string, docs: readonly Doc[], filters: unknown): number {
      const conditions = parseConditions(doctype, filters, 'filters');
      return docs.filter((doc) => conditions.every((c) => testCondition(doctype, doc, c))).length;
    },

    /** What the REST list and `frappe.client.get_list` answer: `list`'s rows, or with `as_dict` false their values. */
    answer(doctype: string, docs: readonly Doc[], args: ListArgs, row: (doc: Doc) => Doc): Doc[] | unknown[][] {
      const rows = query.list(doctype, docs, args, row);
      return isFalse(args.as_dict) ? rows.map((r) => Object.values(r)) : rows;
    },
  };
  return query;
}

export type Query = ReturnType<typeof createQuery>;
