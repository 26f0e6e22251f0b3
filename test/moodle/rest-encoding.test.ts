import { encodeRestArguments, fieldCount } from '../../src/moodle/rest-encoding';
import { kindOfMoodleException } from '../../src/moodle/errors';
import { mergeGetPost, parsePhpFields } from '../../sandboxes/moodle/php-input';

describe('Moodle REST argument encoding', () => {
  test('nested lists and objects become PHP bracket fields; booleans 1/0; undefined left out', () => {
    expect(
      encodeRestArguments({
        users: [{ username: 'a', createpassword: true, customfields: [{ type: 'programme', value: 'BSc' }], idnumber: undefined }],
        field: 'id',
        values: [4, 6],
      }),
    ).toEqual([
      ['users[0][username]', 'a'],
      ['users[0][createpassword]', '1'],
      ['users[0][customfields][0][type]', 'programme'],
      ['users[0][customfields][0][value]', 'BSc'],
      ['field', 'id'],
      ['values[0]', '4'],
      ['values[1]', '6'],
    ]);
  });

  test('fieldCount counts the form fields one list item costs', () => {
    expect(fieldCount({ roleid: 5, userid: 4, courseid: 2, suspend: false })).toBe(4);
  });

  test('the sandbox parses what the client encodes back into the same structure, keeping order', () => {
    const fields = encodeRestArguments({ enrolments: [{ roleid: 5, userid: 4 }, { roleid: 3, userid: 6 }] });
    const parsed = parsePhpFields(fields, 5000);
    const enrolments = parsed.get('enrolments');
    expect(enrolments instanceof Map && [...enrolments.keys()]).toEqual(['0', '1']);
  });

  test('PHP keeps max_input_vars + 1 fields and drops the rest silently', () => {
    const fields = Array.from({ length: 10 }, (_, i): [string, string] => [`values[${i}]`, String(i)]);
    const values = parsePhpFields(fields, 5).get('values');
    expect(values instanceof Map && [...values.values()]).toEqual(['0', '1', '2', '3', '4', '5']);
  });

  test('array_merge($_GET, $_POST) replaces a top-level key from POST instead of combining', () => {
    const get = parsePhpFields([['values[0]', 'a'], ['wstoken', 't']], 5000);
    const post = parsePhpFields([['values[1]', 'b']], 5000);
    const merged = mergeGetPost(get, post);
    expect(merged.get('wstoken')).toBe('t');
    const values = merged.get('values');
    expect(values instanceof Map && [...values.entries()]).toEqual([['1', 'b']]);
  });
});

describe('Moodle exception classification', () => {
  test.each([
    ['invalid_parameter_exception', 'invalidparameter', 'permanent'],
    ['moodle_exception', 'invalidtoken', 'permanent'],
    ['webservice_access_exception', 'accessexception', 'permanent'],
    ['required_capability_exception', 'nopermissions', 'permanent'],
    ['moodle_exception', 'wsusercannotassign', 'permanent'],
    ['dml_missing_record_exception', 'invalidrecord', 'permanent'],
    ['dml_write_exception', 'dmlwriteexception', 'transient'],
    ['dml_read_exception', 'dmlreadexception', 'transient'],
    ['moodle_exception', 'sitemaintenance', 'transient'],
    ['Error', undefined, 'permanent'],
  ])('%s/%s is %s', (exception, errorcode, kind) => {
    expect(kindOfMoodleException(exception, errorcode)).toBe(kind);
  });
});
