import type { Site } from './site';
import { installSingle } from './singles';

/**
 * What a fresh site with ERPNext and Education installed already holds: the masters their install
 * scripts and the setup wizard create, which the Education and Accounts DocTypes link to.
 */
export function seedBase(site: Site) {
  // Frappe's installer writes Administrator straight into the database, outside any controller.
  const stamp = site.clock.timestamp();
  site.store.put('User', { name: 'Administrator', doctype: 'User', email: 'admin@example.com', first_name: 'Administrator', owner: 'Administrator', creation: stamp, modified: stamp, modified_by: 'Administrator', docstatus: 0, idx: 0 });
  // The installers write each Single's defaults (tabSingles) once.
  for (const single of ['Education Settings', 'Selling Settings']) installSingle(site, single);
  site.transaction(() => {
    for (const gender of ['Female', 'Male', 'Other']) site.insert('Gender', { gender });
    for (const [country_name, code] of [['United Kingdom', 'gb'], ['United States', 'us'], ['India', 'in']]) site.insert('Country', { country_name, code });
    for (const currency_name of ['GBP', 'USD', 'EUR', 'INR']) site.insert('Currency', { currency_name, enabled: 1 });
    site.insert('Customer Group', { customer_group_name: 'All Customer Groups', is_group: 1 });
    site.insert('Customer Group', { customer_group_name: 'Student' });
    site.insert('Customer Group', { customer_group_name: 'Individual' });
    site.insert('Item Group', { item_group_name: 'All Item Groups', is_group: 1 });
    site.insert('Item Group', { item_group_name: 'Services' });
    // Education's install.py: fee categories' items go in this group (337).
    site.insert('Item Group', { item_group_name: 'Fee Component' });
    for (const uom_name of ['Nos', 'Unit', 'Hour']) site.insert('UOM', { uom_name });
    site.insert('Assessment Group', { assessment_group_name: 'All Assessment Groups', is_group: 1 });
  });
}
