import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A pass-through in front of the Moodle sandbox that can hold the first request of a given web
 * service function open until the test lets it go, as a Moodle busy with a slow batch would. With
 * it, a test decides what arrives while a call is in flight instead of hoping the machine's timing
 * lines arrivals up. The upstream is set once the sandbox is up (the clients are built before).
 */
export interface HeldRequestGate {
  url: string;
  upstream: string;
  /** Holds the next request of `wsfunction` until `release(wsfunction)`. */
  hold(wsfunction: string): void;
  /** Whether a request of `wsfunction` is being held right now. */
  holding(wsfunction: string): boolean;
  release(wsfunction: string): void;
  close(): Promise<void>;
}

export async function startHeldRequestGate(): Promise<HeldRequestGate> {
  const armed = new Set<string>();
  const held = new Map<string, () => void>();
  const gate = {
    url: '',
    upstream: '',
    hold: (wsfunction: string) => void armed.add(wsfunction),
    holding: (wsfunction: string) => held.has(wsfunction),
    release: (wsfunction: string) => {
      armed.delete(wsfunction);
      held.get(wsfunction)?.();
      held.delete(wsfunction);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const wsfunction = new URLSearchParams(body.toString('utf8')).get('wsfunction') ?? '';
    if (armed.has(wsfunction) && !held.has(wsfunction)) {
      armed.delete(wsfunction);
      await new Promise<void>((resolve) => held.set(wsfunction, resolve));
    }
    try {
      const answer = await fetch(gate.upstream + (request.url ?? '/'), { method: request.method, headers: { 'content-type': request.headers['content-type'] ?? 'application/x-www-form-urlencoded' }, body: body.length > 0 ? body : undefined });
      response.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' }).end(Buffer.from(await answer.arrayBuffer()));
    } catch (err) {
      response.writeHead(502).end(String(err));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  gate.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return gate;
}
