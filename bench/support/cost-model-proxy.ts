import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createWorkerPool } from '../../sandboxes/worker-pool';

/**
 * A proxy in front of a sandbox that makes it cost what the real system costs (issue #12): a
 * fixed overhead per request plus work per item, served by a bounded pool of workers (PHP-FPM's
 * children, gunicorn's workers), behind a proxy-style rate limit that answers 429 with
 * Retry-After. It counts requests, work, 429s and requests over the limit, so the benchmark can
 * compute its floor from what was actually sent.
 */
export interface CostModel {
  /** Per-request overhead, ms. */
  overheadMs: number;
  /** Extra work per item, by function (Moodle wsfunction or ERPNext method/DocType operation). */
  perItemMs: Record<string, number>;
  workers: number;
  /** Allowed requests per second (a sliding one-second window). */
  rps: number;
}

export interface ProxyCounts {
  requests: number;
  items: number;
  /** Simulated server work, ms (overhead + items), what `workers` share. */
  workMs: number;
  http429: number;
  /**
   * Requests that arrived while `rps` had already arrived in the last second (must stay 0). The
   * proxy answers each of them 429, so here it equals `http429`; it is kept apart because a real
   * proxy that queues instead of refusing would count only this one.
   */
  overLimit: number;
  byFunction: Record<string, number>;
  /**
   * The longest a request took from its arrival to its answer (waiting for a worker, then its
   * work): what a client's request timeout must outlast when it sends more at once than there are
   * workers.
   */
  longestAnswerMs: number;
}

export interface CostModelProxy {
  url: string;
  counts: ProxyCounts;
  reset(): void;
  close(): Promise<void>;
}

/** Which function a request calls and how many items it carries. */
export type RequestCost = (method: string, path: string, body: string) => { fn: string; items: number };

/** Moodle: `wsfunction` and the number of entries of its list argument (`users[i]`, `enrolments[i]`, `values[i]`). */
export const moodleRequestCost: RequestCost = (_method, path, body) => {
  const params = new URLSearchParams(body || path.split('?')[1] || '');
  const fn = params.get('wsfunction') ?? 'unknown';
  const indices = new Set<string>();
  for (const key of params.keys()) {
    const match = /^(users|enrolments|values)\[(\d+)\]/.exec(key);
    if (match) indices.add(match[2]!);
  }
  return { fn, items: Math.max(1, indices.size) };
};

/** ERPNext: the method or `METHOD DocType`, and the documents a write carries. */
export const erpnextRequestCost: RequestCost = (method, path, body) => {
  const url = new URL(path, 'http://x');
  const methodMatch = /^\/api\/method\/(.+)$/.exec(url.pathname);
  if (methodMatch) {
    let items = 1;
    try {
      const docs = (JSON.parse(body || '{}') as { docs?: unknown }).docs;
      const list = typeof docs === 'string' ? JSON.parse(docs) : docs;
      if (Array.isArray(list)) items = list.length;
    } catch {
      // Not JSON: one item.
    }
    return { fn: methodMatch[1]!, items };
  }
  const doctype = decodeURIComponent(url.pathname.split('/')[3] ?? '');
  return { fn: `${method} ${doctype}`, items: 1 };
};

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function startCostModelProxy(upstream: string, model: CostModel, cost: RequestCost): Promise<CostModelProxy> {
  const fresh = (): ProxyCounts => ({ requests: 0, items: 0, workMs: 0, http429: 0, overLimit: 0, byFunction: {}, longestAnswerMs: 0 });
  const proxy = { counts: fresh() };
  const arrivals: number[] = [];
  const workers = createWorkerPool(model.workers);

  const server: Server = createServer(async (request, response) => {
    const path = request.url ?? '/';
    const body = await readBody(request);
    const arrived = Date.now();
    if (!path.startsWith('/__sandbox/')) {
      const now = Date.now();
      while (arrivals.length > 0 && arrivals[0]! <= now - 1000) arrivals.shift();
      if (arrivals.length >= model.rps) {
        proxy.counts.http429++;
        proxy.counts.overLimit++;
        response.writeHead(429, { 'retry-after': '1', 'content-type': 'text/html' }).end('<html><body><h1>429 Too Many Requests</h1></body></html>');
        return;
      }
      arrivals.push(now);
      const { fn, items } = cost(request.method ?? 'GET', path, body.toString('utf8'));
      const work = model.overheadMs + (model.perItemMs[fn] ?? 0) * items;
      proxy.counts.requests++;
      proxy.counts.items += items;
      proxy.counts.workMs += work;
      proxy.counts.byFunction[fn] = (proxy.counts.byFunction[fn] ?? 0) + 1;
      await workers.acquire();
      await new Promise((resolve) => setTimeout(resolve, work));
    }
    try {
      const headers = Object.fromEntries(Object.entries(request.headers).filter(([key]) => !['host', 'content-length', 'connection'].includes(key)) as [string, string][]);
      const answer = await fetch(upstream + path, { method: request.method, headers, body: body.length > 0 ? body : undefined });
      const text = Buffer.from(await answer.arrayBuffer());
      const out: Record<string, string> = {};
      answer.headers.forEach((value, key) => {
        if (!['content-length', 'content-encoding', 'transfer-encoding', 'connection'].includes(key)) out[key] = value;
      });
      response.writeHead(answer.status, out).end(text);
      if (!path.startsWith('/__sandbox/')) proxy.counts.longestAnswerMs = Math.max(proxy.counts.longestAnswerMs, Date.now() - arrived);
    } catch (err) {
      response.writeHead(502).end(String(err));
    } finally {
      if (!path.startsWith('/__sandbox/')) workers.release();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get counts() {
      return proxy.counts;
    },
    reset: () => {
      proxy.counts = fresh();
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
