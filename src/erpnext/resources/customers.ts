import { z } from 'zod';
import type { ErpnextClient } from '../client';

/**
 * The Student fields that make it a billing party. Education links a Student to its Customer in
 * `Student.customer`, set by `db.set_value` in on_update after the insert answered (captures
 * 116-119), so it is always re-read rather than taken from an insert or a webhook.
 */
export const studentPartySchema = z.looseObject({
  name: z.string().min(1),
  student_name: z.string().optional(),
  first_name: z.string().optional(),
  student_email_id: z.string().optional(),
  customer: z.string().optional(),
});
export type StudentParty = z.infer<typeof studentPartySchema>;

const customerRowSchema = z.looseObject({ name: z.string().min(1), customer_name: z.string().optional() });

/** DocType `Customer`, and the Student's link to it. */
export function createCustomers(erp: ErpnextClient) {
  return {
    student: (name: string): Promise<StudentParty> => erp.getDoc('Student', name, { schema: studentPartySchema }),

    /** Customers named `customerName` that no Student links to yet (an earlier attempt's, not a namesake's). */
    async unlinkedNamed(customerName: string): Promise<string[]> {
      const rows = await erp.getList('Customer', { fields: ['name', 'customer_name'], filters: [['customer_name', '=', customerName]], limitPageLength: 0, schema: customerRowSchema });
      const unlinked: string[] = [];
      for (const row of rows) {
        if ((await erp.getCount('Student', [['customer', '=', row.name]])) === 0) unlinked.push(row.name);
      }
      return unlinked;
    },

    /**
     * A Customer as Education's Student.on_update makes one (customer_name = student_name, group
     * Student, type Individual: capture 119). A clash is not an error: ERPNext names it
     * `<name> - 1` (228), so the name it answers with is the one to link.
     */
    async insertForStudent(customerName: string): Promise<string> {
      const created = await erp.insert('Customer', { customer_name: customerName, customer_type: 'Individual', customer_group: 'Student' });
      return created.name;
    },

    linkToStudent: async (student: string, customer: string): Promise<void> => {
      await erp.update('Student', student, { customer });
    },
  };
}
