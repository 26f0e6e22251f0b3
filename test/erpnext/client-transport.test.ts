import { createServer, type Server } from 'node:http';
import { createErpnextClient } from '../../src/erpnext/client';

/** Transport details a real ERPNext cannot show us directly: headers sent and connection reuse. */
let server: Server;
let url: string;
let connections = 0;
const seen: { method: string; url: string; authorization?: string; contentType?: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization, contentType: req.headers['content-type'] });
    req.resume();
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ message: 7 }));
    });
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

it('sends token auth and JSON-encoded list arguments, and reuses kept-alive connections', async () => {
  const erp = createErpnextClient({ url, apiKey: 'k1', apiSecret: 's1' });
  for (let i = 0; i < 10; i++) await erp.getCount('Student', [['enabled', '=', 1]]);
  const afterGets = connections;
  await erp.callMethod('frappe.client.insert_many', { docs: [] });

  // Node's fetch (undici) opens a second socket for the second request, then keeps reusing it.
  expect(afterGets).toBeLessThanOrEqual(2);
  expect(connections).toBe(afterGets);
  expect(seen[0]).toMatchObject({ method: 'GET', authorization: 'token k1:s1', contentType: undefined });
  const query = new URL(seen[0].url, url).searchParams;
  expect(query.get('doctype')).toBe('Student');
  expect(JSON.parse(query.get('filters') ?? '')).toEqual([['enabled', '=', 1]]);
  expect(seen[10]).toMatchObject({ method: 'POST', url: '/api/method/frappe.client.insert_many', contentType: 'application/json' });
});

it('always orders pages past the first', async () => {
  seen.length = 0;
  const erp = createErpnextClient({ url, apiKey: 'k1', apiSecret: 's1' });
  await expect(erp.getList('Student', { limitStart: 40, limitPageLength: 20 })).rejects.toMatchObject({ code: 'UNEXPECTED_RESPONSE' });
  expect(new URL(seen[0].url, url).searchParams.get('order_by')).toBe('creation asc, name asc');
});
