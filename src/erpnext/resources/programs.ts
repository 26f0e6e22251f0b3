import { z } from 'zod';
import type { ErpnextClient } from '../client';

/** Education's `Program` with its child table `Program Course`. */
export const programSchema = z.looseObject({
  name: z.string(),
  courses: z.array(z.looseObject({ course: z.string() })).default([]),
});
export type Program = z.infer<typeof programSchema>;

/** DocType `Program`. */
export function createPrograms(erp: ErpnextClient) {
  return {
    /** The ERPNext Course names of a Program, in its own order. */
    async courses(name: string): Promise<string[]> {
      const program = await erp.getDoc('Program', name, { schema: programSchema });
      return program.courses.map((row) => row.course);
    },
  };
}
