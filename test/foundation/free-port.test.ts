import { readFileSync } from 'node:fs';
import net from 'node:net';
import { freePort } from '../support/free-port';

const ephemeralLow = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);

const listen = (port: number) =>
  new Promise<net.Server>((resolve, reject) => {
    const server = net.createServer().once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });

it('chooses ports below the range outgoing connections take theirs from, and each can be bound', async () => {
  const ports = await Promise.all(Array.from({ length: 20 }, () => freePort()));
  expect(ports.filter((port) => port < 10_000 || port >= ephemeralLow)).toEqual([]);
  const servers = await Promise.all([...new Set(ports)].map(listen));
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
});
