import { amounts, checks, emptyTables, numbers, texts } from './column-lists';
import { childDoctype } from './doctypes-item';
import { f, type DocTypeMeta } from './meta';

/**
 * ERPNext's Payment Entry (accounts/doctype/payment_entry, v15) with the columns
 * `get_payment_entry`, an insert and a submit answer with (257, 261, 263, 333), and its references.
 */
const paymentEntryReference: DocTypeMeta = childDoctype('Payment Entry Reference', 'Accounts', [
  f.link('reference_doctype', 'Type', 'DocType', { reqd: true }),
  { fieldname: 'reference_name', fieldtype: 'Dynamic Link', label: 'Name', options: 'reference_doctype', reqd: true },
  f.date('due_date', 'Due Date', { readOnly: true }),
  f.currency('total_amount', 'Grand Total', { readOnly: true }),
  f.currency('outstanding_amount', 'Outstanding', { readOnly: true }),
  f.currency('allocated_amount', 'Allocated'),
  f.float('exchange_rate', 'Exchange Rate'),
  f.link('account', 'Account', 'Account'),
  ...numbers('payment_term_outstanding exchange_gain_loss payment_request_outstanding'),
  // Columns empty (null) in every capture; answers without no_nulls list them (frappe.client.cancel: 275, 291).
  ...texts(`bill_no payment_term account_type payment_type reconcile_effect_on payment_request`),
]);

const paymentEntry: DocTypeMeta = {
  name: 'Payment Entry',
  module: 'Accounts',
  isSubmittable: true,
  autoname: 'series:ACC-PAY-.YYYY.-',
  fields: [
    f.select('naming_series', 'Series', ['ACC-PAY-.YYYY.-'], { setOnlyOnce: true }),
    f.data('title', 'Title'),
    f.select('payment_type', 'Payment Type', ['Receive', 'Pay', 'Internal Transfer'], { reqd: true }),
    f.select('payment_order_status', 'Payment Order Status', ['Initiated', 'Payment Ordered'], { readOnly: true }),
    f.link('company', 'Company', 'Company', { reqd: true }),
    f.date('posting_date', 'Posting Date', { reqd: true, default: 'Today' }),
    f.data('mode_of_payment', 'Mode of Payment'),
    f.data('party_type', 'Party Type'),
    { fieldname: 'party', fieldtype: 'Dynamic Link', label: 'Party', options: 'party_type' },
    f.data('party_name', 'Party Name'),
    f.link('paid_from', 'Account Paid From', 'Account', { reqd: true }),
    f.data('paid_from_account_type', 'Paid From Account Type', { readOnly: true }),
    f.link('paid_from_account_currency', 'Account Currency (From)', 'Currency', { readOnly: true }),
    f.link('paid_to', 'Account Paid To', 'Account', { reqd: true }),
    f.data('paid_to_account_type', 'Paid To Account Type', { readOnly: true }),
    f.link('paid_to_account_currency', 'Account Currency (To)', 'Currency', { readOnly: true }),
    f.currency('paid_amount', 'Paid Amount', { reqd: true }),
    f.currency('received_amount', 'Received Amount', { reqd: true }),
    f.float('source_exchange_rate', 'Exchange Rate', { default: 1 }),
    f.float('target_exchange_rate', 'Exchange Rate', { default: 1 }),
    f.data('reference_no', 'Cheque/Reference No'),
    f.date('reference_date', 'Cheque/Reference Date'),
    f.table('references', 'Payment References', 'Payment Entry Reference'),
    ...emptyTables([['deductions', 'Payment Entry Deduction'], ['taxes', 'Advance Taxes and Charges']]),
    ...checks('book_advance_payments_in_separate_party_account reconcile_on_advance_payment_date apply_tax_withholding_amount custom_remarks'),
    ...amounts(`party_balance paid_from_account_balance paid_to_account_balance paid_amount_after_tax base_paid_amount base_paid_amount_after_tax
      received_amount_after_tax base_received_amount base_received_amount_after_tax total_allocated_amount base_total_allocated_amount unallocated_amount
      difference_amount base_total_taxes_and_charges total_taxes_and_charges`),
    f.select('is_opening', 'Is Opening', ['No', 'Yes']),
    f.text('remarks', 'Remarks'),
    f.data('base_in_words', 'In Words (Company Currency)', { readOnly: true }),
    f.data('in_words', 'In Words', { readOnly: true }),
    f.select('status', 'Status', ['Draft', 'Submitted', 'Cancelled'], { default: 'Draft', readOnly: true }),
    // Columns empty (null) in every capture; answers without no_nulls list them (frappe.client.cancel: 275, 291).
    ...texts(`bank_account party_bank_account contact_person contact_email purchase_taxes_and_charges_template sales_taxes_and_charges_template
      tax_withholding_category clearance_date project cost_center letter_head print_heading bank bank_account_no payment_order
      auto_repeat`),
  ],
};

/**
 * ERPNext's Payment Request (accounts/doctype/payment_request, v15) as `make_payment_request`
 * answers it without a gateway (335): only the columns that answer shows with a value are
 * defaults here; the gateway's, the print format's and the URL's are empty without a gateway.
 */
const paymentRequest: DocTypeMeta = {
  name: 'Payment Request',
  module: 'Accounts',
  isSubmittable: true,
  autoname: 'series:ACC-PRQ-.YYYY.-',
  fields: [
    f.select('payment_request_type', 'Payment Request Type', ['Outward', 'Inward'], { reqd: true, default: 'Inward' }),
    f.date('transaction_date', 'Transaction Date'),
    f.select('naming_series', 'Series', ['ACC-PRQ-.YYYY.-'], { reqd: true }),
    f.link('company', 'Company', 'Company'),
    f.link('mode_of_payment', 'Mode of Payment', 'Mode of Payment'),
    f.link('party_type', 'Party Type', 'DocType'),
    { fieldname: 'party', fieldtype: 'Dynamic Link', label: 'Party', options: 'party_type' },
    f.data('party_name', 'Party Name', { readOnly: true }),
    f.link('reference_doctype', 'Reference Doctype', 'DocType'),
    { fieldname: 'reference_name', fieldtype: 'Dynamic Link', label: 'Reference Name', options: 'reference_doctype' },
    f.currency('grand_total', 'Amount'),
    f.link('currency', 'Currency', 'Currency'),
    f.check('is_a_subscription', 'Is a Subscription'),
    f.currency('outstanding_amount', 'Outstanding Amount', { readOnly: true }),
    f.link('party_account_currency', 'Party Account Currency', 'Currency', { readOnly: true }),
    f.data('bank_account', 'Bank Account'),
    f.data('email_to', 'To'),
    f.data('subject', 'Subject'),
    f.select('status', 'Status', ['', 'Draft', 'Requested', 'Initiated', 'Partially Paid', 'Payment Ordered', 'Paid', 'Failed', 'Cancelled'], { default: 'Draft', readOnly: true }),
    f.check('make_sales_invoice', 'Make Sales Invoice', { readOnly: true }),
    { fieldname: 'message', fieldtype: 'Text', label: 'Message' },
    f.check('mute_email', 'Mute Email', { readOnly: true }),
    f.data('payment_channel', 'Payment Channel'),
    f.table('subscription_plans', 'Subscription Plans', 'Subscription Plan Detail'),
    ...texts('payment_gateway_account payment_gateway payment_account payment_url print_format cost_center project phone_number payment_order'),
  ],
};

export const paymentDoctypes: readonly DocTypeMeta[] = [
  paymentEntryReference,
  childDoctype('Payment Entry Deduction', 'Accounts'),
  childDoctype('Advance Taxes and Charges', 'Accounts'),
  paymentEntry,
  childDoctype('Subscription Plan Detail', 'Accounts'),
  paymentRequest,
];
