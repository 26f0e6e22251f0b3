import net from 'node:net';
import { PortInUseError } from '../errors/port-in-use';

/** True when nothing accepts connections on 127.0.0.1:`port` and we could bind it ourselves. */
export function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** Throws a `PortInUseError` naming the port's purpose unless it is free. */
export async function assertPortFree(port: number, purpose: string, hint: string): Promise<void> {
  if (!(await isPortFree(port))) throw new PortInUseError(port, purpose, hint);
}
