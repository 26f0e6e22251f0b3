import { f, type DocTypeMeta } from './meta';

/**
 * Single DocTypes (`issingle`): one document named after its DocType, kept by Frappe as
 * field/value rows in `tabSingles` (see ./singles). Fields as the captured site shows them
 * (053, 231); a Link left empty there is not shown, so only the fields the captures name are modelled.
 */
export const settingsDoctypes: readonly DocTypeMeta[] = [
  {
    name: 'Education Settings',
    module: 'Education',
    autoname: 'single',
    fields: [
      f.check('validate_batch', 'Validate Batch for Students in Student Group'),
      f.check('validate_course', 'Validate Enrolled Course for Students in Student Group'),
      f.check('academic_term_reqd', 'Make Academic Term Mandatory'),
      // Off: every new Student with an email gets a Website User (116); on: none (128–131).
      f.check('user_creation_skip', 'Skip User creation for new Student'),
      f.check('create_so', 'Create Sales Order instead of Sales Invoice'),
      f.check('auto_submit_sales_invoice', 'Auto Submit Sales Invoice'),
      f.check('sales_invoice_posting_date_fee_schedule', 'Set Posting Date as Fee Schedule Date', { default: 1 }),
      f.check('auto_submit_sales_order', 'Auto Submit Sales Order'),
      f.check('sales_order_transaction_date_fee_schedule', 'Set Transaction Date as Fee Schedule Date', { default: 1 }),
      f.select('instructor_created_by', 'Instructor Records to be created by', ['Full Name', 'Naming Series', 'Employee Number'], { default: 'Full Name' }),
      f.check('attendance_based_on_course_schedule', 'Calculate Attendance based on Course Schedule'),
    ],
  },
  {
    name: 'Selling Settings',
    module: 'Selling',
    autoname: 'single',
    fields: [
      f.select('cust_master_name', 'Customer Naming By', ['Customer Name', 'Naming Series', 'Auto Name'], { default: 'Customer Name' }),
      f.link('selling_price_list', 'Default Price List', 'Price List'),
      f.select('maintain_same_rate_action', 'Action If Same Rate is Not Maintained', ['Stop', 'Warn'], { default: 'Stop' }),
      f.check('maintain_same_sales_rate', 'Maintain Same Rate Throughout Sales Cycle'),
      f.check('editable_price_list_rate', 'Allow User to Edit Price List Rate in Transactions'),
      f.check('validate_selling_price', 'Validate Selling Price for Item Against Purchase Rate or Valuation Rate'),
      f.check('editable_bundle_item_rates', 'Calculate Product Bundle Price based on Child Items\' Rates'),
      f.check('allow_negative_rates_for_items', 'Allow Negative rates for Items'),
      f.select('so_required', 'Is Sales Order Required for Sales Invoice & Delivery Note Creation?', ['No', 'Yes'], { default: 'No' }),
      f.select('dn_required', 'Is Delivery Note Required for Sales Invoice Creation?', ['No', 'Yes'], { default: 'No' }),
      f.select('sales_update_frequency', 'Sales Update Frequency in Company and Project', ['Monthly', 'Each Transaction', 'Daily'], { default: 'Each Transaction' }),
      f.float('blanket_order_allowance', 'Blanket Order Allowance (%)'),
      f.check('allow_multiple_items', 'Allow Item to be Added Multiple Times in a Transaction', { default: 1 }),
      f.check('allow_against_multiple_purchase_orders', 'Allow Multiple Sales Orders Against a Customer\'s Purchase Order'),
      f.check('allow_sales_order_creation_for_expired_quotation', 'Allow Sales Order Creation For Expired Quotation'),
      f.check('dont_reserve_sales_order_qty_on_sales_return', 'Don\'t Reserve Sales Order Qty on Sales Return'),
      f.check('hide_tax_id', 'Hide Customer\'s Tax ID from Sales Transactions'),
      f.check('enable_discount_accounting', 'Enable Discount Accounting for Selling'),
      f.check('allow_zero_qty_in_quotation', 'Allow Quotation with Zero Quantity'),
      f.check('allow_zero_qty_in_sales_order', 'Allow Sales Order with Zero Quantity'),
    ],
  },
];
