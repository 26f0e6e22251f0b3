import { z } from 'zod';
import type { ErpnextClient } from '../client';

const itemSchema = z.looseObject({ name: z.string().min(1), item_name: z.string().optional(), disabled: z.number().int().optional() });
export type Item = z.infer<typeof itemSchema>;

/** DocType `Item`: what an elective's invoice line names. An unknown Item is a 404 (capture 241). */
export function createItems(erp: ErpnextClient) {
  return {
    get: (itemCode: string): Promise<Item> => erp.getDoc('Item', itemCode, { schema: itemSchema }),
  };
}
