/**
 * DocType metadata, the in-memory equivalent of a DocType's JSON: fields with their type, mandatory,
 * unique, link target, default, fetch_from, allow_on_submit and set_only_once flags; child tables;
 * naming rule. Custom Field documents add fields at run time.
 */
export type FieldType =
  | 'Data' | 'Small Text' | 'Text' | 'Long Text' | 'Code' | 'Text Editor' | 'Password'
  | 'Link' | 'Dynamic Link' | 'Select'
  | 'Check' | 'Int' | 'Float' | 'Currency' | 'Percent'
  | 'Date' | 'Datetime' | 'Time'
  | 'Table';

export interface FieldMeta {
  fieldname: string;
  fieldtype: FieldType;
  label: string;
  /** Link: target DocType; Select: newline-separated options; Table: child DocType; Dynamic Link: the field naming the DocType. */
  options?: string;
  reqd?: boolean;
  unique?: boolean;
  default?: string | number;
  /** `link_field.source_field`: copied from the linked document during link validation. */
  fetchFrom?: string;
  /** Only fetch when the field is empty. */
  fetchIfEmpty?: boolean;
  allowOnSubmit?: boolean;
  setOnlyOnce?: boolean;
  readOnly?: boolean;
  /** `is_virtual`: no column; `as_dict` shows what the controller's property computes from the document. */
  virtual?: (doc: Record<string, unknown>) => unknown;
}

/**
 * `series:PREFIX-.YYYY.-` (then `.#####`), `field:fieldname`, `format:EDU-CE-{YYYY}-{#####}`,
 * `hash`, `prompt` (the caller supplies `name`), `controller` (the DocType's controller names it),
 * or `single` (a Single DocType: its one document is named after it).
 */
export type Autoname = string;

export interface DocTypeMeta {
  name: string;
  module: string;
  isSubmittable?: boolean;
  /** A child table DocType (rows live inside their parent). */
  istable?: boolean;
  autoname: Autoname;
  fields: FieldMeta[];
  /** Listed in Frappe's `ignore_links_on_delete` hook: its links never stop a delete (they do a cancel). */
  ignoreLinksOnDelete?: boolean;
}

export const numericTypes: ReadonlySet<FieldType> = new Set(['Check', 'Int', 'Float', 'Currency', 'Percent']);

export interface MetaRegistry {
  get(doctype: string): DocTypeMeta | undefined;
  has(doctype: string): boolean;
  names(): string[];
  field(doctype: string, fieldname: string): FieldMeta | undefined;
  addCustomField(doctype: string, field: FieldMeta): void;
  removeCustomField(doctype: string, fieldname: string): void;
}

export function createMetaRegistry(standard: readonly DocTypeMeta[]): MetaRegistry {
  const metas = new Map<string, DocTypeMeta>(standard.map((m) => [m.name, { ...m, fields: m.isSubmittable ? withAmendedFrom(m) : [...m.fields] }]));
  const require = (doctype: string) => {
    const meta = metas.get(doctype);
    if (!meta) throw new Error(`unknown DocType ${doctype}`);
    return meta;
  };
  return {
    get: (doctype) => metas.get(doctype),
    has: (doctype) => metas.has(doctype),
    names: () => [...metas.keys()],
    field: (doctype, fieldname) => metas.get(doctype)?.fields.find((f) => f.fieldname === fieldname),
    addCustomField(doctype, field) {
      require(doctype).fields.push(field);
    },
    removeCustomField(doctype, fieldname) {
      const meta = require(doctype);
      meta.fields = meta.fields.filter((f) => f.fieldname !== fieldname);
    },
  };
}

/**
 * Frappe adds `amended_from` (Link to the DocType itself, read only) to every submittable DocType:
 * answers carry it (163, 170, 214) and lists may select and filter on it.
 */
function withAmendedFrom(meta: DocTypeMeta): FieldMeta[] {
  if (meta.fields.some((x) => x.fieldname === 'amended_from')) return [...meta.fields];
  return [...meta.fields, { fieldname: 'amended_from', fieldtype: 'Link', label: 'Amended From', options: meta.name, readOnly: true }];
}

/** Shorthand builders keep the DocType tables readable. */
export const f = {
  data: (fieldname: string, label: string, extra: Partial<FieldMeta> = {}): FieldMeta => ({ fieldname, fieldtype: 'Data', label, ...extra }),
  link: (fieldname: string, label: string, options: string, extra: Partial<FieldMeta> = {}): FieldMeta => ({ fieldname, fieldtype: 'Link', label, options, ...extra }),
  select: (fieldname: string, label: string, options: readonly string[], extra: Partial<FieldMeta> = {}): FieldMeta => ({ fieldname, fieldtype: 'Select', label, options: options.join('\n'), ...extra }),
  check: (fieldname: string, label: string, extra: Partial<FieldMeta> = {}): FieldMeta => ({ fieldname, fieldtype: 'Check', label, default: 0, ...extra }),
  int: (fieldname: string, label: string, extra: Partial<FieldMeta> = {}): FieldMeta => ({ fieldname, fieldtype: 'Int', label, ...extra }),
  float: (fieldname: string, label: string, extra: Partial<FieldMeta> = {}): FieldMeta => ({ fieldname, fieldtype: 'Float', label, ...extra }),
  currency: (fieldname: string, label: string, extra: Partial<FieldMeta> = {}): FieldMeta => ({ fieldname, fieldtype: 'Currency', label, ...extra }),
  date: (fieldname: string, label: string, extra: Partial<FieldMeta> = {}): FieldMeta => ({ fieldname, fieldtype: 'Date', label, ...extra }),
  time: (fieldname: string, label: string, extra: Partial<FieldMeta> = {}): FieldMeta => ({ fieldname, fieldtype: 'Time', label, ...extra }),
  text: (fieldname: string, label: string, extra: Partial<FieldMeta> = {}): FieldMeta => ({ fieldname, fieldtype: 'Small Text', label, ...extra }),
  code: (fieldname: string, label: string, extra: Partial<FieldMeta> = {}): FieldMeta => ({ fieldname, fieldtype: 'Code', label, ...extra }),
  table: (fieldname: string, label: string, options: string, extra: Partial<FieldMeta> = {}): FieldMeta => ({ fieldname, fieldtype: 'Table', label, options, ...extra }),
};
