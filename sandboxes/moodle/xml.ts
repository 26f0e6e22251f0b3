import type { MoodleException } from './exceptions';

/**
 * Moodle's REST XML encoding (`webservice/rest/locallib.php`). Moodle walks the return
 * description, so optional keys the function did not return appear as `<VALUE null="null"/>`;
 * `XmlShape` carries that key list for the functions whose XML the captures show.
 */
export type XmlShape = { keys: [string, XmlShape | null][] } | { list: XmlShape } | null;

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function scalar(value: unknown): string {
  if (value === null || value === undefined) return '<VALUE null="null"/>\n';
  if (typeof value === 'boolean') return `<VALUE>${value ? 1 : 0}</VALUE>\n`;
  return `<VALUE>${escape(String(value))}</VALUE>\n`;
}

function encode(value: unknown, shape: XmlShape): string {
  if (Array.isArray(value)) {
    const itemShape = shape && 'list' in shape ? shape.list : null;
    return `<MULTIPLE>\n${value.map((item) => encode(item, itemShape)).join('')}</MULTIPLE>\n`;
  }
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const keys: [string, XmlShape | null][] = shape && 'keys' in shape ? shape.keys : Object.keys(record).map((key) => [key, null]);
    const body = keys
      .map(([key, child]) => {
        const item = record[key];
        if (item === undefined && child && 'list' in child) return `<KEY name="${key}"><MULTIPLE>\n</MULTIPLE>\n</KEY>\n`;
        return `<KEY name="${key}">${encode(item, child)}</KEY>\n`;
      })
      .join('');
    return `<SINGLE>\n${body}</SINGLE>\n`;
  }
  return scalar(value);
}

export function xmlResponse(value: unknown, shape: XmlShape): string {
  const content = value === null ? '' : encode(value, shape);
  return `<?xml version="1.0" encoding="UTF-8" ?>\n<RESPONSE>\n${content}</RESPONSE>\n`;
}

export function xmlException(error: MoodleException, debug: boolean): string {
  const debuginfo = debug && error.debuginfo ? `<DEBUGINFO>${escape(error.debuginfo)}</DEBUGINFO>\n` : '';
  const errorcode = error.errorcode !== undefined ? `<ERRORCODE>${escape(error.errorcode)}</ERRORCODE>\n` : '';
  return `<?xml version="1.0" encoding="UTF-8" ?>\n<EXCEPTION class="${error.exception}">\n${errorcode}<MESSAGE>${escape(error.message)}</MESSAGE>\n${debuginfo}</EXCEPTION>\n`;
}

const plain = (...names: string[]): [string, null][] => names.map((name) => [name, null]);

const userShape: XmlShape = {
  keys: [
    ...plain('id', 'username', 'firstname', 'lastname', 'fullname', 'email', 'address', 'phone1', 'phone2', 'department', 'institution', 'idnumber', 'interests', 'firstaccess', 'lastaccess', 'auth', 'suspended', 'confirmed', 'lang', 'calendartype', 'theme', 'timezone', 'mailformat', 'description', 'descriptionformat', 'city', 'country', 'profileimageurlsmall', 'profileimageurl'),
    ['customfields', { list: { keys: plain('type', 'value', 'displayvalue', 'name', 'shortname') } }],
    ['preferences', { list: { keys: plain('name', 'value') } }],
  ],
};

const nameValueList: XmlShape = { list: { keys: plain('name', 'value') } };

/** Return descriptions of the functions whose XML form is checked against real captures. */
export const xmlShapes: Record<string, XmlShape> = {
  core_user_get_users_by_field: { list: userShape },
  core_webservice_get_site_info: {
    keys: [
      ...plain('sitename', 'username', 'firstname', 'lastname', 'fullname', 'lang', 'userid', 'siteurl', 'userpictureurl'),
      ['functions', { list: { keys: plain('name', 'version') } }],
      ...plain('downloadfiles', 'uploadfiles', 'release', 'version', 'mobilecssurl'),
      ['advancedfeatures', nameValueList],
      ...plain('usercanmanageownfiles', 'userquota', 'usermaxuploadfilesize', 'userhomepage', 'userprivateaccesskey', 'siteid', 'sitecalendartype', 'usercalendartype', 'userissiteadmin', 'theme', 'limitconcurrentlogins', 'usersessionscount'),
    ],
  },
};
