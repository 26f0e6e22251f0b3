import { f, type FieldMeta } from './meta';

/**
 * Short forms for the long runs of plain columns ERPNext's money DocTypes carry (Item has ~60,
 * Sales Invoice ~150): each only has to exist with its type and default so a document reads back
 * as the real one does. Labels are the fieldname in title case: these columns are neither
 * mandatory nor checked, so no message ever quotes them.
 */
const label = (fieldname: string) => fieldname.split('_').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join(' ');
const names = (list: string) => list.split(/\s+/).filter(Boolean);

/** Check columns, `name=1` for a default of 1 (the rest default 0). */
export const checks = (list: string): FieldMeta[] =>
  names(list).map((spec) => {
    const [fieldname, value] = spec.split('=');
    return f.check(fieldname, label(fieldname), { default: Number(value ?? 0) });
  });

/** Float/Currency columns without a default: they read 0 until set. */
export const numbers = (list: string): FieldMeta[] => names(list).map((fieldname) => f.float(fieldname, label(fieldname)));

/** Int columns without a default. */
export const ints = (list: string): FieldMeta[] => names(list).map((fieldname) => f.int(fieldname, label(fieldname)));

/** Currency columns: read-only totals a controller computes. */
export const amounts = (list: string): FieldMeta[] => names(list).map((fieldname) => f.currency(fieldname, label(fieldname), { readOnly: true }));

/** Text columns without a default: null (absent from the REST answer) until a controller sets them. */
export const texts = (list: string): FieldMeta[] => names(list).map((fieldname) => f.data(fieldname, label(fieldname)));

/** Link columns (not mandatory) to the given DocType. */
export const links = (options: string, list: string): FieldMeta[] => names(list).map((fieldname) => f.link(fieldname, label(fieldname), options));

/** Child tables that stay empty in everything the captures do: only their DocType has to exist. */
export const emptyTables = (pairs: [fieldname: string, childDoctype: string][]): FieldMeta[] => pairs.map(([fieldname, options]) => f.table(fieldname, label(fieldname), options));
