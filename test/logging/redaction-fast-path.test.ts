import { Writable } from 'node:stream';
import { createLogger } from '../../src/logging/logger';

/*
 * The logger skips re-parsing a line whose only secret-named keys already hold the censor (every
 * webhook's "incoming request" line, whose signature header the req serializer blanked). These
 * cases pin that the skip never lets a secret through, whatever else the line holds.
 */

function logged(write: (log: ReturnType<typeof createLogger>) => void): Record<string, unknown>[] {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const log = createLogger({ level: 'info', destination });
  write(log);
  return lines.join('').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
}

const webhookRequest = { method: 'POST', url: '/webhooks/erpnext/student/after_insert', headers: { 'x-frappe-webhook-signature': 'c2lnbmF0dXJl', host: 'gateway' } };

describe('log redaction with an already blanked credential header', () => {
  it('writes the incoming request line with the header blanked and the rest as given', () => {
    const [line] = logged((log) => log.info({ req: webhookRequest }, 'incoming request'));
    expect(line).toMatchObject({ msg: 'incoming request', req: { method: 'POST', url: webhookRequest.url, headers: { 'x-frappe-webhook-signature': '[redacted]', host: 'gateway' } } });
  });

  it('still redacts every other secret-named field on a line that also carries a blanked one', () => {
    const lines = logged((log) => {
      log.info({ req: webhookRequest, apiToken: 'leak-1' }, 'incoming request');
      log.info({ nested: { my_secret: 'leak-2', 'x-token': '[redacted]' } }, 'nested');
      log.info({ 'odd"token': 'leak-3' }, 'quoted key');
      log.info({ note: '"api_token":"[redacted]"', password: 'leak-4' }, 'censor quoted in a value');
    });
    const text = JSON.stringify(lines);
    for (const leak of ['leak-1', 'leak-2', 'leak-3', 'leak-4']) expect(text).not.toContain(leak);
    expect(lines[0]).toMatchObject({ apiToken: '[redacted]' });
    expect(lines[1]).toMatchObject({ nested: { my_secret: '[redacted]', 'x-token': '[redacted]' } });
    expect(lines[2]).toMatchObject({ 'odd"token': '[redacted]' });
    expect(lines[3]).toMatchObject({ note: '"api_token":"[redacted]"', password: '[redacted]' });
  });
});
