import net from 'node:net';

/** A port our stack needs is held by another program; the message says which and what to do. */
export class PortInUseError extends Error {
  constructor(
    readonly port: number,
    readonly purpose: string,
    hint: string,
  ) {
    super(`Port ${port} (${purpose}) is already in use by another program: ${hint}`);
    this.name = 'PortInUseError';
  }
}

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
