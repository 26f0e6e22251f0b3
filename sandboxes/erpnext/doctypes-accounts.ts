import { invoiceDoctypes } from './doctypes-invoice';
import { itemDoctypes } from './doctypes-item';
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
    fields: [
      f.data('customer_name', 'Customer Name', { reqd: true }),
      f.select('customer_type', 'Customer Type', ['Company', 'Individual', 'Partnership'], { reqd: true, default: 'Company' }),
      f.link('customer_group', 'Customer Group', 'Customer Group'),
      f.check('disabled', 'Disabled'),
    ],
  },
  ...itemDoctypes,
  {
    name: 'Item Price',
    module: 'Stock',
    autoname: 'hash',
    fields: [f.link('item_code', 'Item Code', 'Item', { reqd: true }), f.link('price_list', 'Price List', 'Price List', { reqd: true }), f.currency('price_list_rate', 'Rate', { reqd: true }), f.link('currency', 'Currency', 'Currency'), f.date('valid_from', 'Valid From', { default: 'Today' }), f.date('valid_upto', 'Valid Upto')],
  },
  ...invoiceDoctypes,
  {
    name: 'Payment Entry Reference',
    module: 'Accounts',
    istable: true,
    autoname: 'hash',
    fields: [
      f.link('reference_doctype', 'Type', 'DocType', { reqd: true }),
      { fieldname: 'reference_name', fieldtype: 'Dynamic Link', label: 'Name', options: 'reference_doctype', reqd: true },
      f.currency('total_amount', 'Grand Total', { readOnly: true }),
      f.date('due_date', 'Due Date', { readOnly: true }),
      f.currency('outstanding_amount', 'Outstanding', { readOnly: true }),
      f.currency('allocated_amount', 'Allocated'),
      f.link('account', 'Account', 'Account'),
    ],
  },
  {
    name: 'Payment Entry',
    module: 'Accounts',
    isSubmittable: true,
    autoname: 'series:ACC-PAY-.YYYY.-',
    fields: [
      f.select('payment_type', 'Payment Type', ['Receive', 'Pay', 'Internal Transfer'], { reqd: true }),
      f.link('company', 'Company', 'Company', { reqd: true }),
      f.date('posting_date', 'Posting Date', { reqd: true, default: 'Today' }),
      f.select('party_type', 'Party Type', ['', 'Customer', 'Supplier', 'Employee', 'Student']),
      { fieldname: 'party', fieldtype: 'Dynamic Link', label: 'Party', options: 'party_type' },
      f.data('party_name', 'Party Name'),
      f.data('mode_of_payment', 'Mode of Payment'),
      f.link('paid_from', 'Account Paid From', 'Account', { reqd: true }),
      f.data('paid_from_account_type', 'Paid From Account Type', { readOnly: true }),
      f.link('paid_to', 'Account Paid To', 'Account', { reqd: true }),
      f.data('paid_to_account_type', 'Paid To Account Type', { readOnly: true }),
      f.currency('paid_amount', 'Paid Amount', { reqd: true }),
      f.currency('received_amount', 'Received Amount', { reqd: true }),
      f.float('source_exchange_rate', 'Exchange Rate', { default: 1 }),
      f.float('target_exchange_rate', 'Exchange Rate', { default: 1 }),
      f.data('reference_no', 'Cheque/Reference No'),
      f.date('reference_date', 'Cheque/Reference Date'),
      f.table('references', 'Payment References', 'Payment Entry Reference'),
      f.currency('total_allocated_amount', 'Total Allocated Amount', { readOnly: true }),
      f.currency('unallocated_amount', 'Unallocated Amount', { readOnly: true }),
      f.select('status', 'Status', ['Draft', 'Submitted', 'Cancelled'], { default: 'Draft', readOnly: true }),
    ],
  },
];
