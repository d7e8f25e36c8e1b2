import net from 'node:net';

export interface RawResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** Body bytes the client had written when the status line arrived. */
  readonly sentWhenAnswered: number;
}

export interface RawRequest {
  readonly method: string;
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Bytes sent right after the head; the rest of a declared Content-Length may never follow. */
  readonly body?: Buffer;
  /** After `body`, keep sending `bytes` zero bytes every `everyMs` until answered. */
  readonly drip?: { readonly bytes: number; readonly everyMs: number };
  /** Give up waiting for an answer after this many ms (rejects). */
  readonly timeoutMs?: number;
}

/**
 * One HTTP/1.1 request over a bare socket, for bodies that are cut, slow or lie about their
 * length — things fetch and http.request refuse to send. Resolves when the server's answer is
 * complete (Content-Length or connection close), whether or not the body was fully sent.
 */
export function rawRequest(port: number, req: RawRequest): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let sent = 0;
    let sentWhenAnswered = -1;
    let settled = false;
    const timer = setTimeout(
      () => finish(new Error(`no answer within ${req.timeoutMs ?? 5_000} ms`)),
      req.timeoutMs ?? 5_000,
    );
    let dripTimer: NodeJS.Timeout | undefined;
    const finish = (error?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearInterval(dripTimer);
      socket.destroy();
      if (error) return reject(error);
      const parsed = parse(Buffer.concat(chunks));
      if (!parsed) return reject(new Error('connection closed without a complete answer'));
      resolve({ ...parsed, sentWhenAnswered });
    };
    socket.on('data', (chunk: Buffer) => {
      if (sentWhenAnswered < 0) sentWhenAnswered = sent;
      chunks.push(chunk);
      const parsed = parse(Buffer.concat(chunks));
      if (parsed && parsed.complete) finish();
    });
    socket.on('error', () => finish());
    socket.on('close', () => finish());
    socket.on('connect', () => {
      const head = [`${req.method} ${req.path} HTTP/1.1`, 'host: 127.0.0.1'];
      for (const [k, v] of Object.entries(req.headers ?? {})) head.push(`${k}: ${v}`);
      socket.write(`${head.join('\r\n')}\r\n\r\n`);
      if (req.body && req.body.length > 0) {
        socket.write(req.body, () => {
          sent += req.body?.length ?? 0;
        });
      }
      const drip = req.drip;
      if (drip) {
        dripTimer = setInterval(() => {
          if (!socket.destroyed) socket.write(Buffer.alloc(drip.bytes), () => (sent += drip.bytes));
        }, drip.everyMs);
      }
    });
  });
}

function parse(
  bytes: Buffer,
): { status: number; headers: Record<string, string>; body: string; complete: boolean } | null {
  const end = bytes.indexOf('\r\n\r\n');
  if (end < 0) return null;
  const lines = bytes.subarray(0, end).toString('latin1').split('\r\n');
  const status = Number(lines[0]?.split(' ')[1]);
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const i = line.indexOf(':');
    headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  const body = bytes.subarray(end + 4);
  const length = headers['content-length'];
  const complete = length !== undefined && body.length >= Number(length);
  return { status, headers, body: body.toString('utf8'), complete };
}
