import { amounts, checks, emptyTables, numbers, texts } from './column-lists';
import { childDoctype } from './doctypes-item';
import { f, type DocTypeMeta } from './meta';

/**
 * ERPNext's Sales Invoice (accounts/doctype/sales_invoice, v15) with the columns a draft, a
 * submitted invoice and a credit note read back with (237, 249, 279, 284), its item rows, the
 * payment schedule it builds, and the child tables that stay empty without POS, taxes or sales team.
 */
export const salesInvoiceStatuses = ['Draft', 'Return', 'Credit Note Issued', 'Submitted', 'Paid', 'Partly Paid', 'Unpaid', 'Overdue', 'Overdue and Discounted', 'Cancelled'] as const;

const salesInvoiceItem: DocTypeMeta = childDoctype('Sales Invoice Item', 'Accounts', [
  f.link('item_code', 'Item', 'Item'),
  f.data('item_name', 'Item Name', { fetchFrom: 'item_code.item_name', fetchIfEmpty: true }),
  { fieldname: 'description', fieldtype: 'Text Editor', label: 'Description' },
  f.link('item_group', 'Item Group', 'Item Group'),
  f.data('image', 'Image'),
  f.float('qty', 'Quantity', { default: 1 }),
  f.link('stock_uom', 'Stock UOM', 'UOM'),
  f.link('uom', 'UOM', 'UOM'),
  f.float('conversion_factor', 'UOM Conversion Factor', { default: 1 }),
  f.select('margin_type', 'Margin Type', ['', 'Percentage', 'Amount']),
  f.float('discount_percentage', 'Discount (%) on Price List Rate'),
  f.currency('price_list_rate', 'Price List Rate'),
  f.currency('rate', 'Rate'),
  f.currency('amount', 'Amount', { readOnly: true }),
  f.link('income_account', 'Income Account', 'Account'),
  f.link('expense_account', 'Expense Account', 'Account'),
  f.link('warehouse', 'Warehouse', 'Warehouse'),
  f.link('cost_center', 'Cost Center', 'Cost Center'),
  f.code('item_tax_rate', 'Item Tax Rate'),
  // A credit note's row names the original's row (284).
  f.data('sales_invoice_item', 'Sales Invoice Item'),
  ...checks('has_item_scanned is_free_item grant_commission delivered_by_supplier is_fixed_asset enable_deferred_revenue use_serial_batch_fields allow_zero_valuation_rate page_break'),
  ...numbers(`stock_qty base_price_list_rate margin_rate_or_amount rate_with_margin discount_amount distributed_discount_amount base_rate_with_margin base_rate
    base_amount stock_uom_rate net_rate net_amount base_net_rate base_net_amount weight_per_unit total_weight incoming_rate actual_batch_qty actual_qty
    company_total_stock delivered_qty`),
  // Columns empty (null) in every capture; answers without no_nulls list them (frappe.client.cancel: 275, 291).
  ...texts(`barcode customer_item_code brand item_tax_template pricing_rules asset finance_book discount_account deferred_revenue_account
    service_stop_date service_start_date service_end_date weight_uom target_warehouse quality_inspection serial_and_batch_bundle
    serial_no batch_no sales_order so_detail delivery_note dn_detail pos_invoice pos_invoice_item purchase_order purchase_order_item
    project`),
]);

const paymentSchedule: DocTypeMeta = childDoctype('Payment Schedule', 'Accounts', [
  f.date('due_date', 'Due Date'),
  f.float('invoice_portion', 'Invoice Portion'),
  f.select('discount_type', 'Discount Type', ['Percentage', 'Amount']),
  ...numbers('discount payment_amount outstanding paid_amount discounted_amount base_payment_amount base_outstanding base_paid_amount'),
  ...texts(`payment_term description mode_of_payment discount_date`),
]);

const emptyInvoiceTables: [string, string][] = [
  ['packed_items', 'Packed Item'],
  ['advances', 'Sales Invoice Advance'],
  ['payments', 'Sales Invoice Payment'],
  ['timesheets', 'Sales Invoice Timesheet'],
  ['taxes', 'Sales Taxes and Charges'],
  ['pricing_rules', 'Pricing Rule Detail'],
  ['sales_team', 'Sales Team'],
];

const salesInvoice: DocTypeMeta = {
  name: 'Sales Invoice',
  module: 'Accounts',
  isSubmittable: true,
  autoname: 'series:ACC-SINV-.YYYY.-',
  fields: [
    f.data('title', 'Title'),
    f.select('naming_series', 'Series', ['ACC-SINV-.YYYY.-', 'ACC-SINV-RET-.YYYY.-'], { setOnlyOnce: true }),
    f.link('customer', 'Customer', 'Customer', { reqd: true }),
    f.data('customer_name', 'Customer Name', { fetchFrom: 'customer.customer_name', readOnly: true }),
    f.link('customer_group', 'Customer Group', 'Customer Group'),
    f.link('company', 'Company', 'Company', { reqd: true }),
    f.date('posting_date', 'Date', { reqd: true, default: 'Today' }),
    f.time('posting_time', 'Posting Time'),
    f.date('due_date', 'Payment Due Date'),
    f.check('set_posting_time', 'Edit Posting Date and Time'),
    f.check('is_return', 'Is Return (Credit Note)'),
    f.link('return_against', 'Return Against', 'Sales Invoice'),
    // v15: a credit note's ledger entries are against itself unless this is off (283, 308).
    f.check('update_outstanding_for_self', 'Update Outstanding for Self', { default: 1 }),
    ...checks(`is_pos is_consolidated update_billed_amount_in_sales_order update_billed_amount_in_delivery_note=1 is_debit_note update_stock exempt_from_sales_tax
      use_company_roundoff_cost_center disable_rounded_total is_cash_or_non_trade_discount allocate_advances_automatically only_include_allocated_payments
      write_off_outstanding_amount_automatically redeem_loyalty_points ignore_default_payment_terms_template group_same_items is_internal_customer is_discounted`),
    f.link('currency', 'Currency', 'Currency'),
    f.float('conversion_rate', 'Exchange Rate', { default: 1 }),
    f.link('selling_price_list', 'Price List', 'Price List'),
    f.link('price_list_currency', 'Price List Currency', 'Currency'),
    f.float('plc_conversion_rate', 'Price List Exchange Rate', { default: 1 }),
    f.check('ignore_pricing_rule', 'Ignore Pricing Rule'),
    f.link('debit_to', 'Debit To', 'Account'),
    f.link('party_account_currency', 'Party Account Currency', 'Currency'),
    f.select('is_opening', 'Is Opening Entry', ['No', 'Yes']),
    f.select('apply_discount_on', 'Apply Additional Discount On', ['', 'Grand Total', 'Net Total'], { default: 'Grand Total' }),
    f.table('items', 'Items', 'Sales Invoice Item', { reqd: true }),
    f.table('payment_schedule', 'Payment Schedule', 'Payment Schedule'),
    ...emptyTables(emptyInvoiceTables),
    ...amounts(`total net_total grand_total rounded_total outstanding_amount base_total base_net_total base_grand_total base_rounded_total base_rounding_adjustment
      rounding_adjustment base_total_taxes_and_charges total_taxes_and_charges total_advance base_discount_amount discount_amount base_paid_amount paid_amount
      base_change_amount change_amount write_off_amount base_write_off_amount loyalty_amount amount_eligible_for_commission total_commission
      total_billing_hours total_billing_amount total_qty total_net_weight`),
    ...numbers('additional_discount_percentage commission_rate'),
    f.int('loyalty_points', 'Loyalty Points'),
    f.data('base_in_words', 'In Words (Company Currency)', { readOnly: true }),
    f.data('in_words', 'In Words', { readOnly: true }),
    f.data('po_no', 'Customer\'s Purchase Order', { allowOnSubmit: true }),
    f.select('status', 'Status', salesInvoiceStatuses, { default: 'Draft', readOnly: true }),
    f.text('remarks', 'Remarks'),
    f.text('against_income_account', 'Against Income Account', { readOnly: true }),
    f.data('language', 'Print Language'),
    ...texts('tax_category payment_terms_template select_print_heading set_warehouse'),
    // Education's custom fields on Sales Invoice (education/install.py).
    f.link('student', 'Student', 'Student'),
    f.data('fee_schedule', 'Fee Schedule'),
    // Columns empty (null) in every capture; answers without no_nulls list them (frappe.client.cancel: 275, 291).
    ...texts(`tax_id company_tax_id pos_profile cost_center project scan_barcode set_target_warehouse taxes_and_charges shipping_rule incoterm
      named_place additional_discount_account other_charges_calculation cash_bank_account account_for_change_amount write_off_account
      write_off_cost_center loyalty_program loyalty_redemption_account loyalty_redemption_cost_center customer_address address_display
      contact_person contact_display contact_mobile contact_email territory shipping_address_name shipping_address dispatch_address_name
      dispatch_address company_address company_address_display company_contact_person tc_name terms po_date
      unrealized_profit_loss_account sales_partner letter_head subscription from_date auto_repeat to_date
      inter_company_invoice_reference campaign represents_company source`),
  ],
};

export const invoiceDoctypes: readonly DocTypeMeta[] = [salesInvoiceItem, paymentSchedule, ...emptyInvoiceTables.map(([, name]) => childDoctype(name, 'Accounts')), salesInvoice];
