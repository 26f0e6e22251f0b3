import { checks, emptyTables } from './column-lists';
import { invoiceDoctypes } from './doctypes-invoice';
import { childDoctype, itemDoctypes } from './doctypes-item';
import { paymentDoctypes } from './doctypes-payment';
import { f, type DocTypeMeta } from './meta';

/** ERPNext selling and accounts DocTypes behind the paid elective (ERPNext v15, reference §4 "Fees and invoices"). */

export const accountsDoctypes: readonly DocTypeMeta[] = [
  { name: 'Customer Group', module: 'Setup', autoname: 'field:customer_group_name', fields: [f.data('customer_group_name', 'Customer Group Name', { reqd: true, unique: true }), f.check('is_group', 'Is Group')] },
  { name: 'Item Group', module: 'Setup', autoname: 'field:item_group_name', fields: [f.data('item_group_name', 'Item Group Name', { reqd: true, unique: true }), f.check('is_group', 'Is Group')] },
  { name: 'UOM', module: 'Setup', autoname: 'field:uom_name', fields: [f.data('uom_name', 'UOM Name', { reqd: true, unique: true })] },
  { name: 'Price List', module: 'Stock', autoname: 'field:price_list_name', fields: [f.data('price_list_name', 'Price List Name', { reqd: true, unique: true }), f.link('currency', 'Currency', 'Currency', { reqd: true }), f.check('selling', 'Selling'), f.check('enabled', 'Enabled', { default: 1 })] },
  {
    name: 'Account',
    module: 'Accounts',
    // "<account_name> - <company abbr>", set by its controller.
    autoname: 'controller',
    fields: [f.data('account_name', 'Account Name', { reqd: true }), f.link('company', 'Company', 'Company', { reqd: true }), f.select('account_type', 'Account Type', ['', 'Receivable', 'Payable', 'Cash', 'Bank', 'Income Account', 'Cost of Goods Sold'])],
  },
  {
    name: 'Customer',
    module: 'Selling',
    // Named by customer_name ("Customer Name" naming in Selling Settings), " - 1" appended on a clash.
    autoname: 'controller',
    // The columns a new customer reads back with (119, 228); the rest of customer.json stays empty.
    fields: [
      f.select('naming_series', 'Series', ['CUST-.YYYY.-'], { setOnlyOnce: true }),
      f.data('customer_name', 'Customer Name', { reqd: true }),
      f.select('customer_type', 'Customer Type', ['Company', 'Individual', 'Partnership'], { reqd: true, default: 'Company' }),
      f.link('customer_group', 'Customer Group', 'Customer Group'),
      f.check('is_internal_customer', 'Is Internal Customer'),
      f.link('language', 'Print Language', 'Language', { default: 'en' }),
      f.float('default_commission_rate', 'Commission Rate'),
      ...checks('so_required dn_required exempt_from_sales_tax is_frozen'),
      f.check('disabled', 'Disabled'),
      ...emptyTables([['accounts', 'Party Account'], ['portal_users', 'Portal User'], ['credit_limits', 'Customer Credit Limit'], ['companies', 'Allowed To Transact With'], ['sales_team', 'Sales Team']]),
    ],
  },
  ...['Party Account', 'Portal User', 'Customer Credit Limit', 'Allowed To Transact With'].map((name) => childDoctype(name, 'Selling')),
  ...itemDoctypes,
  {
    name: 'Item Price',
    module: 'Stock',
    autoname: 'hash',
    fields: [f.link('item_code', 'Item Code', 'Item', { reqd: true }), f.link('price_list', 'Price List', 'Price List', { reqd: true }), f.currency('price_list_rate', 'Rate', { reqd: true }), f.link('currency', 'Currency', 'Currency'), f.date('valid_from', 'Valid From', { default: 'Today' }), f.date('valid_upto', 'Valid Upto')],
  },
  ...invoiceDoctypes,
  ...paymentDoctypes,
];
