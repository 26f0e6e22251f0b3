import type { Controller, Site } from './site';
import { type ChildRow, str } from './store';

/**
 * ERPNext's Item controller (stock/doctype/item/item.py, v15) as far as a service item shows it
 * (232, 233, 236): validate fills item_name and description, the stock UOM's conversion row and
 * the defaults row; after_insert prices the standard rate in the default selling Price List.
 */
export function companyAbbr(site: Site, company: string): string {
  return site.exists('Company', company) ? str(site.getDoc('Company', company).abbr) : '';
}

/** The setup wizard's global defaults `company` and `default_warehouse` ("Stores - <abbr>"): the site's one Company. */
export function defaultCompany(site: Site): string | undefined {
  const companies = site.all('Company');
  return companies.length === 1 ? str(companies[0].name) : undefined;
}

const rowsOf = (value: unknown) => (value as ChildRow[] | undefined) ?? [];

const item: Controller = {
  validate(doc, site) {
    doc.item_name ||= doc.item_code;
    if (!str(doc.description).trim()) doc.description = doc.item_name;
    // `add_default_uom_in_conversion_factor_table`: the stock UOM at factor 1 comes first.
    const uoms = rowsOf(doc.uoms);
    if (str(doc.stock_uom) && !uoms.some((r) => r.uom === doc.stock_uom)) doc.uoms = [{ uom: doc.stock_uom, conversion_factor: 1 } as ChildRow, ...uoms];
    // `update_defaults_from_item_group`: no group defaults, so the global company and warehouse.
    const company = defaultCompany(site);
    const warehouse = company && `Stores - ${companyAbbr(site, company)}`;
    if (!rowsOf(doc.item_defaults).length && company && warehouse && site.exists('Warehouse', warehouse)) doc.item_defaults = [{ company, default_warehouse: warehouse } as ChildRow];
    // `validate_customer_provided_part` / customer_items joined: empty without customer items.
    doc.customer_code = rowsOf(doc.customer_items).map((r) => str(r.ref_code)).join(',');
  },
  afterInsert(doc, site) {
    // `add_price`: the standard rate becomes an Item Price in Selling Settings' price list.
    if (!Number(doc.standard_rate) || !site.exists('Price List', 'Standard Selling')) return;
    site.insert('Item Price', { item_code: doc.name, price_list: 'Standard Selling', price_list_rate: doc.standard_rate, currency: site.getDoc('Price List', 'Standard Selling').currency });
  },
};

/** Warehouse and Cost Center are named like Account: "<name> - <company abbr>". */
const namedForCompany = (field: string): Controller => ({ autoname: (doc, site) => `${str(doc[field])} - ${companyAbbr(site, str(doc.company))}` });

export const itemControllers: Record<string, Controller> = {
  Item: item,
  Warehouse: namedForCompany('warehouse_name'),
  'Cost Center': namedForCompany('cost_center_name'),
};
