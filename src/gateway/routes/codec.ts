import type { Payload, PayloadCodec } from '@temporalio/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { PayloadDecodeError } from '../../temporal/codec';
import { hasBearerToken, isOneOf, refuse } from '../../auth/admin-auth';

export interface CodecRoutesOptions {
  codec: PayloadCodec;
  /** ADMIN_TOKEN: always accepted as a bearer token. */
  adminToken: string;
  /** CODEC_TOKENS: accepted as a bearer token or as the path segment of `/codec/<token>/…`. */
  codecTokens: readonly string[];
  /** Origins of the Temporal Web UI allowed to call from a browser (CODEC_UI_ORIGINS). */
  uiOrigins: readonly string[];
}

/**
 * The Web UI sends payloads in batches (a history page at once), each up to Temporal's 2 MB blob
 * limit in base64; 8 MiB takes a busy page and refuses anything absurd with 413.
 */
const codecBodyLimit = 8 * 1024 * 1024;

const base64 = z.base64('expected base64');
const wirePayloads = z.strictObject({
  payloads: z.array(z.strictObject({ metadata: z.record(z.string(), base64).optional(), data: base64.optional() })).max(10_000),
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

/** `/codec/<operation>` with a bearer token, or `/codec/<codec token>/<operation>` for the Web UI. */
const operations = ['/codec/:operation', '/codec/:pathToken/:operation'];
const codecParams = z.object({ pathToken: z.string().optional(), operation: z.enum(['decode', 'encode']) });

/**
 * `POST /codec/decode` and `/codec/encode`: the codec server protocol the Temporal Web UI and CLI
 * call to show encrypted payloads in clear, on the operator listener only. Whoever may call it can
 * read every student's data, so it needs a credential: the admin token or a codec token as a
 * bearer token (the CLI's `--codec-auth 'Bearer …'`). The Web UI sends a bearer token only over
 * https and only its own login's, so a codec token may also be the endpoint's path segment
 * (`--ui-codec-endpoint http://…/codec/<token>`, what `npm start` does). The browser calls
 * cross-origin, so the configured UI origins get CORS answers; nothing else does.
 */
export const codecRoutes: FastifyPluginAsyncZod<CodecRoutesOptions> = async (app, options) => {
  const allowed = new Set(options.uiOrigins);
  const bearerTokens = [options.adminToken, ...options.codecTokens];
  const allowCors = (request: FastifyRequest, reply: FastifyReply) => {
    const origin = request.headers.origin;
    if (origin && allowed.has(origin)) reply.header('access-control-allow-origin', origin).header('vary', 'Origin');
  };

  // A browser's preflight carries no credential by design; it learns only which headers it may send.
  for (const url of operations) {
    app.options(url, async (request, reply) => {
      allowCors(request, reply);
      return reply
        .header('access-control-allow-methods', 'POST')
        .header('access-control-allow-headers', 'Content-Type, X-Namespace, Authorization')
        .header('access-control-max-age', '600')
        .code(204)
        .send();
    });
  }

  const authorised = (request: FastifyRequest) => {
    const { pathToken } = request.params as { pathToken?: string };
    return pathToken === undefined ? hasBearerToken(request, bearerTokens) : isOneOf(pathToken, options.codecTokens);
  };

  for (const url of operations) {
    app.post(
      url,
      {
        bodyLimit: codecBodyLimit,
        schema: { params: codecParams, body: wirePayloads, response: { 200: wirePayloads, 400: z.looseObject({ error: z.string() }) } },
        // Before the body is read or parsed: a caller without a credential learns nothing, not even a 400.
        onRequest: async (request, reply) => {
          allowCors(request, reply);
          if (!authorised(request)) await refuse(reply);
        },
      },
      async (request, reply) => {
        const payloads = fromWire(request.body);
        try {
          return toWire(request.params.operation === 'decode' ? await options.codec.decode(payloads) : await options.codec.encode(payloads));
        } catch (err) {
          if (err instanceof PayloadDecodeError) return reply.code(400).send({ error: err.message });
          throw err;
        }
      },
    );
  }
};
