import { escapeHtml, html, raw } from '../../src/console/html';
import { cookieValue, formTokenValid, newSession, readSession, sessionLifetimeMs } from '../../src/console/session';
import { runLink, workflowIdLink } from '../../src/console/temporal-links';

const token = 'console-admin-token-0123456789abcdef';

describe('console sessions', () => {
  it('accepts its own cookie and derives a form token from it', () => {
    const session = readSession(token, newSession(token));
    expect(session).toMatchObject({ via: 'cookie', csrfToken: expect.stringMatching(/^[\w-]{43}$/) });
    expect(formTokenValid(session!, session!.via === 'cookie' ? session!.csrfToken : '')).toBe(true);
    expect(formTokenValid(session!, 'x')).toBe(false);
    expect(formTokenValid(session!, undefined)).toBe(false);
  });

  it('refuses a cookie signed with another token, altered, expired or from the future', () => {
    const now = Date.now();
    const value = newSession(token, now);
    const [issued, nonce, mac] = value.split('.');
    expect(readSession('another-admin-token-0123456789abcdef', value, now)).toBeUndefined();
    expect(readSession(token, `${Number(issued) + 1}.${nonce}.${mac}`, now)).toBeUndefined();
    expect(readSession(token, `${issued}.${nonce}x.${mac}`, now)).toBeUndefined();
    expect(readSession(token, value, now + sessionLifetimeMs + 1)).toBeUndefined();
    expect(readSession(token, value, now - 1)).toBeUndefined();
    expect(readSession(token, undefined)).toBeUndefined();
    expect(readSession(token, '')).toBeUndefined();
  });

  it('gives each session its own form token', () => {
    const a = readSession(token, newSession(token));
    const b = readSession(token, newSession(token));
    expect(a).not.toEqual(b);
  });

  it('reads one cookie out of a Cookie header', () => {
    expect(cookieValue('a=1; campus_bridge_console=v.w.x; b=2', 'campus_bridge_console')).toBe('v.w.x');
    expect(cookieValue('xcampus_bridge_console=1', 'campus_bridge_console')).toBeUndefined();
    expect(cookieValue(undefined, 'campus_bridge_console')).toBeUndefined();
  });
});

describe('console markup', () => {
  it('escapes every interpolated value, in text and in attributes, but not nested templates', () => {
    const name = `<script>alert("x")</script> O'Brien & \`co\``;
    expect(html`<td title="${name}">${name}</td>`.text).toBe(
      '<td title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; O&#39;Brien &amp; &#96;co&#96;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; O&#39;Brien &amp; &#96;co&#96;</td>',
    );
    expect(html`<ul>${['<a>', 'b'].map((x) => html`<li>${x}</li>`)}</ul>`.text).toBe('<ul><li>&lt;a&gt;</li><li>b</li></ul>');
    expect(html`${null}${undefined}${false}${0}${raw('<br>')}`.text).toBe('0<br>');
    expect(escapeHtml('"\'<>&')).toBe('&quot;&#39;&lt;&gt;&amp;');
  });
});

describe('Temporal Web UI links', () => {
  const ui = { baseUrl: 'https://temporal.example.edu/', namespace: 'campus bridge' };
  it("use the UI's routes with the namespace and the encoded workflow id", () => {
    expect(runLink(ui, 'onboard:EDU-STU-2026-00012', 'a1b2')).toBe('https://temporal.example.edu/namespaces/campus%20bridge/workflows/onboard%3AEDU-STU-2026-00012/a1b2/history');
    expect(workflowIdLink(ui, 'enroll:"x"')).toBe(`https://temporal.example.edu/namespaces/campus%20bridge/workflows?query=${encodeURIComponent('WorkflowId="enroll:\\"x\\""')}`);
  });
});
