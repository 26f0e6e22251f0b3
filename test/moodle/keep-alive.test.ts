import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMoodleClient } from '../../src/moodle/client';

/** Sequential calls share pooled keep-alive connections (Node's fetch/undici) instead of one per call. */
describe('Moodle client connection reuse', () => {
  let server: Server;
  let connections = 0;

  beforeAll(async () => {
    server = createServer((request, response) => {
      request.resume();
      request.on('end', () => response.writeHead(200, { 'content-type': 'application/json' }).end('[]'));
    });
    server.on('connection', () => {
      connections += 1;
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  test('fifty sequential calls reuse pooled connections', async () => {
    const { port } = server.address() as AddressInfo;
    const moodle = createMoodleClient({ url: `http://127.0.0.1:${port}`, token: 'dev-moodle-token' });
    for (let i = 0; i < 50; i += 1) expect(await moodle.getUsersByField('id', [i + 1])).toEqual([]);
    // undici opens a second socket on the second call (the first returns to the pool a tick late), then reuses both.
    expect(connections).toBeLessThanOrEqual(2);
  });
});
