import { PyFloat, pyFloatRepr, pyJsonDumps, pyJsonLoads } from '../../sandboxes/erpnext/py-json';
import { compileCondition } from '../../sandboxes/erpnext/webhook-condition';
import { compileTemplate, JinjaSyntaxError } from '../../sandboxes/erpnext/webhook-template';

/** The byte format and expression subsets behind webhook bodies (pure functions, no HTTP). */
describe('pyJsonDumps', () => {
  it('matches Python json.dumps defaults byte for byte', () => {
    // Expected strings as CPython 3 prints json.dumps(...) for the same values.
    expect(pyJsonDumps({ a: 1, b: [true, null, 'x'], c: {} })).toBe('{"a": 1, "b": [true, null, "x"], "c": {}}');
    expect(pyJsonDumps('Zoë “quoted” \n\t\u007f 😀')).toBe('"Zo\\u00eb \\u201cquoted\\u201d \\n\\t\\u007f \\ud83d\\ude00"');
    expect(pyJsonDumps([])).toBe('[]');
    expect(pyJsonDumps('a"b\\c/d')).toBe('"a\\"b\\\\c/d"');
    expect(pyJsonDumps('\u0001')).toBe('"\\u0001"');
  });

  it('prints floats as Python repr does and keeps them floats through json.loads', () => {
    expect([250, 0.1, 1e16, 1.5e-5, -2.5, 123456789.125, 0].map(pyFloatRepr)).toEqual(['250.0', '0.1', '1e+16', '1.5e-05', '-2.5', '123456789.125', '0.0']);
    expect(pyJsonDumps({ total: new PyFloat(250), qty: 1 })).toBe('{"total": 250.0, "qty": 1}');
    const loaded = pyJsonLoads('{"a": 250.0, "b": 3, "c": [1e2, "x"], "d": {}, "e": []}');
    expect(pyJsonDumps(loaded)).toBe('{"a": 250.0, "b": 3, "c": [100.0, "x"], "d": {}, "e": []}');
    expect(() => pyJsonLoads('{"a": }')).toThrow(SyntaxError);
  });
});

describe('compileCondition', () => {
  const doc = { status: 'Paid', grand_total: 250, student: 'EDU-STU-2026-00001', customer: null };
  it.each([
    ['doc.status == "Paid"', true],
    ["doc.status != 'Paid'", false],
    ['doc.grand_total > 100 and doc.status in ["Paid", "Partly Paid"]', true],
    ['not doc.customer', true],
    ['doc.customer == None or (doc.grand_total <= 0)', true],
    ['doc.get("student") and doc.status not in ["Unpaid"]', true],
    ['doc.grand_total >= 300', false],
  ])('%s → %s', (source, expected) => {
    expect(compileCondition(source)(doc)).toBe(expected);
  });

  it('refuses what it cannot evaluate', () => {
    expect(() => compileCondition('frappe.db.exists("Student", doc.student)')).toThrow(SyntaxError);
    expect(() => compileCondition('doc.status = "Paid"')).toThrow(SyntaxError);
  });
});

describe('compileTemplate', () => {
  const doc = { name: 'EDU-STU-2026-00001', student_name: "O'Brien <Ann>", customer: null, enabled: 1 };
  it('renders fields as Jinja prints them and tojson as Jinja escapes it', () => {
    expect(compileTemplate('{"name": "{{ doc.name }}", "customer": "{{ doc.customer }}"}')({ doc })).toBe('{"name": "EDU-STU-2026-00001", "customer": "None"}');
    expect(compileTemplate('{"n": {{ doc.student_name | tojson }} }')({ doc })).toBe('{"n": "O\\u0027Brien \\u003cAnn\\u003e" }');
    expect(compileTemplate('{{ doc | tojson }}')({ doc })).toBe('{"customer": null, "enabled": 1, "name": "EDU-STU-2026-00001", "student_name": "O\\u0027Brien \\u003cAnn\\u003e"}');
  });

  it('renders for and if blocks with the loop variables, text between tags kept as it is', () => {
    const rows = { doc: { name: 'G1', students: [{ student: 'S1' }, { student: 'S2' }], instructors: [] } };
    const template = '{"name": {{ doc.name | tojson }}, "students": [{% for s in doc.students %}{{ s.student | tojson }}{% if not loop.last %}, {% endif %}{% endfor %}], "i": [{% for i in doc.instructors %}{{ i }}{% else %}"none"{% endfor %}]}';
    expect(compileTemplate(template)(rows)).toBe('{"name": "G1", "students": ["S1", "S2"], "i": ["none"]}');
    expect(compileTemplate('{% if doc.name %}{{ loop }}{% else %}no{% endif %}')({ doc: { name: '' } })).toBe('no');
  });

  it('refuses what Jinja refuses with Jinja\'s message and line, and what the subset does not model as unsupported', () => {
    // 351: an unclosed print statement.
    expect(() => compileTemplate('{"a": {{ doc.name ')).toThrow(expect.objectContaining({ name: 'SyntaxError', lineno: 1, message: "unexpected end of template, expected 'end of print statement'." }));
    expect(() => compileTemplate('[\n{% for s in doc.students %}')).toThrow(
      expect.objectContaining({ lineno: 2, message: "Unexpected end of template. Jinja was looking for the following tags: 'endfor' or 'else'. The innermost block that needs to be closed is 'for'." }),
    );
    expect(() => compileTemplate('{% for s in doc.x %}{% endif %}')).toThrow(expect.objectContaining({ lineno: 1 }));
    for (const unsupported of ['{{ doc.name | upper }}', '{% set x = 1 %}', '{% if doc.a == 1 %}{% endif %}', '{%- if doc.a %}{% endif %}']) {
      expect(() => compileTemplate(unsupported)).toThrow(SyntaxError);
      expect(() => compileTemplate(unsupported)).not.toThrow(JinjaSyntaxError);
    }
  });
});
