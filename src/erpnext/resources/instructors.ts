import { z } from 'zod';
import { columns } from '../columns';
import type { CallOptions, ErpnextClient } from '../client';

/**
 * Education's `Instructor`. It carries no e-mail of its own: a deployment names the field that
 * holds one (`roster.teachers.emailField`, e.g. a Custom Field), read here when present.
 */
export const instructorSchema = z.looseObject({
  name: z.string(),
  instructor_name: z.string(),
  employee: z.string().optional(),
  status: z.string().optional(),
});
export type Instructor = z.infer<typeof instructorSchema> & Record<string, unknown>;

const row = columns(instructorSchema);

/** DocType `Instructor`. */
export function createInstructors(erp: ErpnextClient) {
  return {
    async list(names: string[], extraFields: string[] = [], call?: CallOptions): Promise<Instructor[]> {
      if (names.length === 0) return [];
      const found: Instructor[] = [];
      const fields = [...row.fields, ...extraFields];
      for await (const instructor of erp.iterate('Instructor', { fields, schema: row.schema, filters: [['name', 'in', names]] }, call)) found.push(instructor);
      return found;
    },
  };
}
