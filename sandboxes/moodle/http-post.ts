import { connect } from 'node:net';

export interface PostOutcome {
  /** The listener's status code; null when no response came (refused, timed out, closed). */
  status: number | null;
  error?: string;
}

/** Status code once a whole response is in (Content-Length or chunked), else undefined. */
function completeResponse(received: Buffer): PostOutcome | undefined {
  const headEnd = received.indexOf('\r\n\r\n');
  if (headEnd < 0) return undefined;
  const head = received.subarray(0, headEnd).toString('latin1');
  const status = Number(/^HTTP\/\d\.\d (\d{3})/.exec(head)?.[1] ?? NaN);
  if (Number.isNaN(status)) return { status: null, error: 'malformed response' };
  const body = received.subarray(headEnd + 4);
  const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
  if (length) return body.length >= Number(length[1]) ? { status } : undefined;
  if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) return body.includes('0\r\n\r\n') ? { status } : undefined;
  return undefined;
}

/**
 * One HTTP/1.1 POST carrying exactly the given header lines, in order, as PHP's curl puts them on
 * the wire (Node's HTTP clients add Connection and other headers a receiver would see). Waits for
 * the whole response, as curl_exec does; never throws.
 */
export function rawPost(url: string, headers: [string, string][], body: Buffer, timeoutMs: number): Promise<PostOutcome> {
  const target = new URL(url);
  return new Promise((resolve) => {
    let received = Buffer.alloc(0);
    let settled = false;
    const socket = connect({ host: target.hostname, port: Number(target.port || 80) });
    const finish = (outcome: PostOutcome) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      resolve(outcome);
    };
    socket.setTimeout(timeoutMs, () => finish({ status: null, error: `no response within ${timeoutMs} ms` }));
    socket.on('connect', () => {
      const head = [`POST ${target.pathname}${target.search} HTTP/1.1`, ...headers.map(([name, value]) => `${name}: ${value}`), '', ''].join('\r\n');
      socket.write(Buffer.concat([Buffer.from(head, 'latin1'), body]));
    });
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const outcome = completeResponse(received);
      if (outcome) finish(outcome);
    });
    // A response without a length ends when the listener closes the connection.
    socket.on('end', () => {
      const status = /^HTTP\/\d\.\d (\d{3})/.exec(received.toString('latin1'))?.[1];
      finish(status ? { status: Number(status) } : { status: null, error: 'connection closed without a response' });
    });
    socket.on('error', (error) => finish({ status: null, error: error.message }));
  });
}
