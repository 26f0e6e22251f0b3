import { f, type DocTypeMeta } from './meta';

/** Frappe core and setup DocTypes: masters the Education and Accounts DocTypes link to, Custom Field, Webhook. */
export const webhookDocEvents = ['after_insert', 'on_update', 'on_submit', 'on_cancel', 'on_trash', 'on_update_after_submit', 'on_change'] as const;

export const coreDoctypes: readonly DocTypeMeta[] = [
  { name: 'Gender', module: 'Contacts', autoname: 'field:gender', fields: [f.data('gender', 'Gender', { reqd: true, unique: true })] },
  { name: 'Country', module: 'Geo', autoname: 'field:country_name', fields: [f.data('country_name', 'Country Name', { reqd: true, unique: true }), f.data('code', 'Code')] },
  { name: 'Department', module: 'Setup', autoname: 'field:department_name', fields: [f.data('department_name', 'Department', { reqd: true, unique: true })] },
  {
    name: 'Company',
    module: 'Setup',
    autoname: 'field:company_name',
    fields: [
      f.data('company_name', 'Company', { reqd: true, unique: true }),
      f.data('abbr', 'Abbr', { reqd: true }),
      f.link('default_currency', 'Default Currency', 'Currency', { reqd: true }),
      f.link('country', 'Country', 'Country', { reqd: true }),
      f.link('default_holiday_list', 'Default Holiday List', 'Holiday List'),
      // Set by ERPNext's setup once the chart of accounts exists; Fee Structure fetches both (338).
      f.link('default_receivable_account', 'Default Receivable Account', 'Account'),
      f.link('cost_center', 'Default Cost Center', 'Cost Center'),
    ],
  },
  { name: 'Holiday', module: 'Setup', istable: true, autoname: 'hash', fields: [f.date('holiday_date', 'Date', { reqd: true }), f.text('description', 'Description', { reqd: true }), f.check('weekly_off', 'Weekly Off')] },
  {
    name: 'Holiday List',
    module: 'Setup',
    autoname: 'field:holiday_list_name',
    fields: [f.data('holiday_list_name', 'Holiday List Name', { reqd: true, unique: true }), f.date('from_date', 'From Date', { reqd: true }), f.date('to_date', 'To Date', { reqd: true }), f.table('holidays', 'Holidays', 'Holiday')],
  },
  { name: 'Currency', module: 'Geo', autoname: 'field:currency_name', fields: [f.data('currency_name', 'Currency Name', { reqd: true, unique: true }), f.check('enabled', 'Enabled')] },
  {
    name: 'Custom Field',
    module: 'Custom',
    // Named "<dt>-<fieldname>" by its controller.
    autoname: 'controller',
    fields: [
      f.link('dt', 'Document Type', 'DocType', { reqd: true }),
      f.data('label', 'Label'),
      f.data('fieldname', 'Fieldname'),
      f.select('fieldtype', 'Field Type', ['Data', 'Small Text', 'Text', 'Long Text', 'Code', 'Link', 'Select', 'Check', 'Int', 'Float', 'Currency', 'Percent', 'Date', 'Datetime', 'Time'], { reqd: true, default: 'Data' }),
      f.text('options', 'Options'),
      f.data('insert_after', 'Insert After'),
      f.check('reqd', 'Mandatory'),
      f.check('unique', 'Unique'),
      f.check('read_only', 'Read Only'),
      f.check('allow_on_submit', 'Allow on Submit'),
      f.text('default', 'Default'),
      f.data('fetch_from', 'Fetch From'),
    ],
  },
  { name: 'Webhook Header', module: 'Integrations', istable: true, autoname: 'hash', fields: [f.text('key', 'Key'), f.text('value', 'Value')] },
  { name: 'Webhook Data', module: 'Integrations', istable: true, autoname: 'hash', fields: [f.data('fieldname', 'Fieldname', { reqd: true }), f.data('key', 'Key', { reqd: true })] },
  {
    name: 'Webhook',
    module: 'Integrations',
    // "Set by user": a REST insert must carry `name`.
    autoname: 'prompt',
    fields: [
      f.link('webhook_doctype', 'DocType', 'DocType', { reqd: true, setOnlyOnce: true }),
      f.select('webhook_docevent', 'Doc Event', webhookDocEvents, { setOnlyOnce: true }),
      f.check('enabled', 'Enabled', { default: 1 }),
      f.text('condition', 'Condition'),
      f.text('request_url', 'Request URL', { reqd: true }),
      f.check('is_dynamic_url', 'Is Dynamic URL?'),
      f.int('timeout', 'Request Timeout', { reqd: true, default: 5 }),
      f.select('request_method', 'Request Method', ['POST', 'PUT', 'DELETE'], { reqd: true, default: 'POST' }),
      f.select('request_structure', 'Request Structure', ['', 'Form URL-Encoded', 'JSON']),
      f.check('enable_security', 'Enable Security'),
      { fieldname: 'webhook_secret', fieldtype: 'Password', label: 'Webhook Secret' },
      f.table('webhook_headers', 'Headers', 'Webhook Header'),
      f.table('webhook_data', 'Data', 'Webhook Data'),
      f.code('webhook_json', 'JSON Request Body'),
      f.data('background_jobs_queue', 'Background Jobs Queue'),
      { fieldname: 'preview_document', fieldtype: 'Dynamic Link', label: 'Select Document', options: 'webhook_doctype' },
      // Virtual: properties of the Webhook class (v15 webhook.py, read from source). `validate` clears
      // preview_document, so a saved Webhook never has one and they say so (103–111, 357).
      f.data('meets_condition', 'Meets Condition?', { virtual: (doc) => (doc.condition ? 'Select a document to check if it meets conditions.' : 'Yes') }),
      f.code('preview_request_body', 'Request Body', { virtual: () => 'Select a document to preview request data' }),
    ],
  },
  {
    name: 'Webhook Request Log',
    module: 'Integrations',
    autoname: 'hash',
    // frappe/hooks.py `ignore_links_on_delete` (read from source): a Webhook with logs still deletes (358–366).
    ignoreLinksOnDelete: true,
    fields: [
      f.link('webhook', 'Webhook', 'Webhook'),
      f.link('reference_doctype', 'Reference DocType', 'DocType'),
      f.data('reference_document', 'Reference Document'),
      f.code('headers', 'Headers'),
      f.code('data', 'Data'),
      f.link('user', 'User', 'User'),
      f.text('url', 'URL'),
      f.code('response', 'Response'),
      f.code('error', 'Error'),
    ],
  },
  {
    name: 'User',
    module: 'Core',
    // Named by email.
    autoname: 'controller',
    fields: [
      f.data('email', 'Email', { reqd: true, unique: true }),
      f.data('first_name', 'First Name', { reqd: true }),
      f.data('last_name', 'Last Name'),
      f.link('gender', 'Gender', 'Gender'),
      f.select('user_type', 'User Type', ['System User', 'Website User'], { default: 'System User' }),
      f.check('send_welcome_email', 'Send Welcome Email', { default: 1 }),
      f.data('role_profile_name', 'Role Profile'),
    ],
  },
];
