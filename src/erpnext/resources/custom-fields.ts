import { z } from 'zod';
import type { CallOptions, ErpnextClient } from '../client';

/** Frappe's `Custom Field` DocType: a field added to another DocType (`dt`) without changing its code. */
export const customFieldSchema = z.looseObject({
  name: z.string(),
  dt: z.string(),
  fieldname: z.string(),
  fieldtype: z.string(),
  label: z.string().optional(),
  insert_after: z.string().optional(),
});
export type CustomField = z.infer<typeof customFieldSchema>;

/** What a Custom Field is created with: its place and type, plus any other DocField property (read_only, description …). */
export type CustomFieldDefinition = Pick<CustomField, 'dt' | 'fieldname' | 'fieldtype'> & Record<string, unknown>;

/** DocType `Custom Field`. */
export function createCustomFields(erp: ErpnextClient) {
  return {
    /** True when `dt` already has the field. */
    async exists(field: Pick<CustomFieldDefinition, 'dt' | 'fieldname'>, call?: CallOptions): Promise<boolean> {
      const rows = await erp.getList('Custom Field', { filters: [['dt', '=', field.dt], ['fieldname', '=', field.fieldname]], limitPageLength: 1 }, call);
      return rows.length > 0;
    },

    /** `POST /api/resource/Custom Field`. */
    insert: (field: CustomFieldDefinition, call?: CallOptions): Promise<CustomField> => erp.insert('Custom Field', { ...field }, { ...call, schema: customFieldSchema }),
  };
}
