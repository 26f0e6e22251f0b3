import { childDoctype } from './doctypes-item';
import { f, type DocTypeMeta } from './meta';

/**
 * Education's fee DocTypes (education/education/doctype/{fee_category,fee_structure,fee_schedule,
 * fees}, Education 15.5 @ 1634577, the captured site's version): fields, links, fetches and
 * mandatory flags as their DocType JSON has them (the captures 336–348 show the answers).
 */
const feeCategoryDefault = childDoctype('Fee Category Default', 'Education', [
  f.link('company', 'Company', 'Company', { reqd: true }),
  f.link('selling_cost_center', 'Selling Cost Center', 'Cost Center'),
  f.link('income_account', 'Income Account', 'Account'),
]);

const feeComponent = childDoctype('Fee Component', 'Education', [
  f.link('fees_category', 'Fees Category', 'Fee Category', { reqd: true }),
  f.text('description', 'Description', { fetchFrom: 'fees_category.description' }),
  f.currency('amount', 'Amount', { reqd: true }),
  f.link('item', 'Item', 'Item', { fetchFrom: 'fees_category.item', readOnly: true }),
  { fieldname: 'discount', fieldtype: 'Percent', label: 'Discount (%)', default: 0 },
  f.float('total', 'Total', { readOnly: true }),
]);

const feeCategory: DocTypeMeta = {
  name: 'Fee Category',
  module: 'Education',
  autoname: 'field:category_name',
  fields: [
    f.data('category_name', 'Name', { reqd: true, unique: true }),
    f.text('description', 'Description'),
    f.link('item', 'Item', 'Item', { readOnly: true }),
    f.table('item_defaults', 'Accounting Defaults', 'Fee Category Default'),
  ],
};

const feeStructure: DocTypeMeta = {
  name: 'Fee Structure',
  module: 'Education',
  isSubmittable: true,
  autoname: 'series:EDU-FST-.YYYY.-',
  fields: [
    f.select('naming_series', 'Naming Series', ['EDU-FST-.YYYY.-']),
    f.link('program', 'Program', 'Program', { reqd: true }),
    f.link('student_category', 'Student Category', 'Student Category'),
    f.link('academic_term', 'Academic Term', 'Academic Term'),
    f.link('academic_year', 'Academic Year', 'Academic Year', { reqd: true }),
    f.table('components', 'Components', 'Fee Component', { reqd: true }),
    f.currency('total_amount', 'Total Amount', { readOnly: true }),
    // The request's own account is overwritten by the company's default (fetch_from, not fetch_if_empty).
    f.link('receivable_account', 'Receivable Account', 'Account', { reqd: true, fetchFrom: 'company.default_receivable_account' }),
    f.link('cost_center', 'Cost Center', 'Cost Center', { fetchFrom: 'company.cost_center' }),
    f.link('company', 'Company', 'Company'),
  ],
};

const feeScheduleStudentGroup = childDoctype('Fee Schedule Student Group', 'Education', [
  f.link('student_group', 'Student Group', 'Student Group', { reqd: true }),
  f.data('total_students', 'Total Students', { readOnly: true }),
]);

const feeSchedule: DocTypeMeta = {
  name: 'Fee Schedule',
  module: 'Education',
  isSubmittable: true,
  autoname: 'series:EDU-FSH-.YYYY.-',
  fields: [
    f.link('fee_structure', 'Fee Structure', 'Fee Structure', { reqd: true }),
    f.date('posting_date', 'Posting Date', { reqd: true, default: 'Today' }),
    f.date('due_date', 'Due Date', { reqd: true }),
    f.select('naming_series', 'Naming Series', ['EDU-FSH-.YYYY.-']),
    f.check('send_email', 'Send Payment Request Email'),
    f.link('student_category', 'Student Category', 'Student Category', { readOnly: true }),
    f.link('program', 'Program', 'Program', { readOnly: true }),
    f.link('academic_year', 'Academic Year', 'Academic Year', { reqd: true }),
    f.link('academic_term', 'Academic Term', 'Academic Term'),
    // Read only and never fetched: the site default `currency` fills it on a new document (342).
    f.link('currency', 'Currency', 'Currency', { readOnly: true }),
    // The JSON gives this table no label: the mandatory message prints Python's None (343).
    f.table('student_groups', 'None', 'Fee Schedule Student Group', { reqd: true }),
    f.table('components', 'Components', 'Fee Component'),
    f.currency('total_amount', 'Total Amount per Student', { readOnly: true, default: 0 }),
    f.currency('grand_total', 'Grand Total', { readOnly: true }),
    f.data('grand_total_in_words', 'In Words', { readOnly: true }),
    f.link('letter_head', 'Letter Head', 'Letter Head', { allowOnSubmit: true }),
    f.link('select_print_heading', 'Print Heading', 'Print Heading', { allowOnSubmit: true }),
    f.link('receivable_account', 'Receivable Account', 'Account', { fetchFrom: 'fee_structure.receivable_account' }),
    f.link('cost_center', 'Cost Center', 'Cost Center', { fetchFrom: 'fee_structure.cost_center' }),
    f.link('company', 'Institution', 'Company'),
    f.select('status', 'Status', ['Draft', 'Cancelled', 'Invoice Pending', 'Order Pending', 'In Process', 'Invoice Created', 'Order Created', 'Failed'], { readOnly: true }),
    f.text('error_log', 'Error Log'),
  ],
};

/**
 * The legacy Fees DocType, still installed. Its `income_account` fetches from a Fee Structure
 * column that Education 15 no longer has, so any insert naming a fee structure fails in link
 * validation with MariaDB's unknown column error (348).
 */
const fees: DocTypeMeta = {
  name: 'Fees',
  module: 'Education',
  isSubmittable: true,
  autoname: 'series:EDU-FEE-.YYYY.-',
  fields: [
    f.select('naming_series', 'Naming Series', ['EDU-FEE-.YYYY.-']),
    f.link('student', 'Student', 'Student', { reqd: true }),
    f.data('student_name', 'Student Name', { fetchFrom: 'student.student_name', readOnly: true }),
    f.link('fee_schedule', 'Fee Schedule', 'Fee Schedule', { readOnly: true }),
    f.check('include_payment', 'Include Payment'),
    f.check('send_payment_request', 'Send Payment Request'),
    f.link('company', 'Institution', 'Company', { reqd: true }),
    f.date('posting_date', 'Date', { reqd: true, default: 'Today' }),
    f.time('posting_time', 'Posting Time'),
    f.check('set_posting_time', 'Edit Posting Date and Time'),
    f.date('due_date', 'Due Date', { reqd: true }),
    f.link('program_enrollment', 'Program Enrollment', 'Program Enrollment', { reqd: true }),
    f.link('program', 'Program', 'Program', { fetchFrom: 'program_enrollment.program', readOnly: true }),
    f.link('student_batch', 'Student Batch', 'Student Batch Name'),
    f.link('student_category', 'Student Category', 'Student Category'),
    f.link('academic_term', 'Academic Term', 'Academic Term'),
    f.link('academic_year', 'Academic Year', 'Academic Year'),
    f.link('currency', 'Currency', 'Currency', { readOnly: true }),
    f.link('fee_structure', 'Fee Structure', 'Fee Structure', { reqd: true }),
    f.table('components', 'Components', 'Fee Component', { reqd: true }),
    f.currency('grand_total', 'Grand Total', { readOnly: true }),
    f.data('grand_total_in_words', 'In Words', { readOnly: true }),
    f.currency('outstanding_amount', 'Outstanding Amount', { readOnly: true }),
    f.link('letter_head', 'Letter Head', 'Letter Head', { allowOnSubmit: true }),
    f.link('select_print_heading', 'Print Heading', 'Print Heading', { allowOnSubmit: true }),
    f.link('receivable_account', 'Receivable Account', 'Account', { reqd: true, fetchFrom: 'fee_structure.receivable_account' }),
    f.link('income_account', 'Income Account', 'Account', { fetchFrom: 'fee_structure.income_account' }),
    f.link('cost_center', 'Cost Center', 'Cost Center', { fetchFrom: 'fee_structure.cost_center' }),
    f.data('contact_email', 'Contact Email', { fetchFrom: 'student.student_email_id', allowOnSubmit: true }),
  ],
};

export const feeDoctypes: readonly DocTypeMeta[] = [feeCategoryDefault, feeComponent, feeCategory, feeStructure, feeScheduleStudentGroup, feeSchedule, fees];
