import { readFileSync } from 'node:fs';
import net from 'node:net';

/**
 * The lowest port of the range the OS takes outgoing connections' local ports from (Linux's
 * default when it cannot be read). A port chosen inside it can be taken by any connection the
 * machine opens before the caller binds it: a CI run opens thousands, and `dev-stop-start` once
 * found its operator port "already in use by another program" that way.
 */
function ephemeralLow(): number {
  try {
    const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (Number.isInteger(low)) return low;
  } catch {
    // Not Linux: fall through to the default.
  }
  return 32768;
}

const lowestChosen = 10_000;

function bindable(port: number): Promise<number | null> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(null));
    server.listen(port, '127.0.0.1', () => {
      const { port: bound } = server.address() as net.AddressInfo;
      server.close(() => resolve(bound));
    });
  });
}

/**
 * A TCP port free right now on 127.0.0.1, chosen at random below the ephemeral range, so that
 * only another listener, not an outgoing connection, can take it before the caller binds it.
 * Falls back to a port the OS picks when none below is free.
 */
export async function freePort(): Promise<number> {
  const low = ephemeralLow();
  if (low - lowestChosen > 1_000) {
    for (let tries = 0; tries < 50; tries++) {
      const port = await bindable(lowestChosen + Math.floor(Math.random() * (low - lowestChosen)));
      if (port !== null) return port;
    }
  }
  const port = await bindable(0);
  if (port === null) throw new Error('no free TCP port on 127.0.0.1');
  return port;
}
