import type { Payload, PayloadCodec } from '@temporalio/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';

export interface CodecRoutesOptions {
  codec: PayloadCodec;
  /** Origins of the Temporal Web UI allowed to call from a browser. */
  uiOrigins: string[];
}

/** Web UI defaults: the dev server's UI and the docker compose UI. */
export const defaultUiOrigins = ['http://localhost:8233', 'http://127.0.0.1:8233', 'http://localhost:8080'];

const base64 = z.base64('expected base64');
const wirePayloads = z.object({
  payloads: z.array(z.object({ metadata: z.record(z.string(), base64).optional(), data: base64.optional() })),
});
type WirePayloads = z.infer<typeof wirePayloads>;

function fromWire(body: WirePayloads): Payload[] {
  return body.payloads.map((p) => ({
    metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
    data: p.data === undefined ? undefined : Buffer.from(p.data, 'base64'),
  }));
}

function toWire(payloads: Payload[]): WirePayloads {
  return {
    payloads: payloads.map((p) => ({
      metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
      data: p.data ? Buffer.from(p.data).toString('base64') : undefined,
    })),
  };
}

/**
 * `POST /codec/decode` and `/codec/encode`: the codec server protocol the Temporal Web UI and CLI
 * call (`--codec-endpoint http://<gateway>/codec`) to show encrypted payloads in clear. The browser
 * calls cross-origin, so the UI's origins get CORS answers; nothing else does.
 */
export const codecRoutes: FastifyPluginAsyncZod<CodecRoutesOptions> = async (app, options) => {
  const allowed = new Set(options.uiOrigins);
  const allowCors = (request: FastifyRequest, reply: FastifyReply) => {
    const origin = request.headers.origin;
    if (origin && allowed.has(origin)) {
      reply.header('access-control-allow-origin', origin).header('access-control-allow-credentials', 'true').header('vary', 'Origin');
    }
  };

  app.options('/codec/:operation', async (request, reply) => {
    allowCors(request, reply);
    return reply
      .header('access-control-allow-methods', 'POST')
      .header('access-control-allow-headers', 'Content-Type, X-Namespace, Authorization')
      .header('access-control-max-age', '600')
      .code(204)
      .send();
  });

  const schema = { body: wirePayloads, response: { 200: wirePayloads } };
  app.post('/codec/decode', { schema }, async (request, reply) => {
    allowCors(request, reply);
    return toWire(await options.codec.decode(fromWire(request.body)));
  });
  app.post('/codec/encode', { schema }, async (request, reply) => {
    allowCors(request, reply);
    return toWire(await options.codec.encode(fromWire(request.body)));
  });
};
