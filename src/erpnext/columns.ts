import type { z } from 'zod';

/**
 * A list read of the fields of `row` (a DocType's one schema, picked): `GET /api/resource` returns
 * only the fields asked for, so the columns to ask for are the keys of the row schema.
 */
export function columns<Row extends z.ZodObject>(row: Row): { fields: string[]; schema: Row } {
  return { fields: Object.keys(row.shape), schema: row };
}
