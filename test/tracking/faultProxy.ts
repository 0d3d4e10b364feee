import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';

/** What the proxy does with the next requests. */
export type ProxyMode =
  | { readonly kind: 'forward' }
  /** Waits this long before forwarding, so clients with a shorter timeout give up while the server still processes the request. */
  | { readonly kind: 'delay'; readonly ms: number }
  /** Answers the next `count` requests with this status without forwarding them, then forwards again. */
  | { readonly kind: 'status'; readonly status: number; readonly count: number };

/**
 * An HTTP proxy on 127.0.0.1 in front of a test MLflow server that can slow
 * down or fail requests on demand, and records the headers it saw.
 */
export class FaultProxy {
  mode: ProxyMode = { kind: 'forward' };
  readonly seenHeaders: IncomingHttpHeaders[] = [];
  /** Requests answered with an injected status. */
  failedRequests = 0;

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  static async start(targetPort: number): Promise<FaultProxy> {
    let proxy: FaultProxy | undefined;
    const server = createServer((incoming, outgoing) => {
      const current = proxy as FaultProxy;
      current.seenHeaders.push(incoming.headers);
      const mode = current.mode;
      if (mode.kind === 'status') {
        current.failedRequests++;
        if (mode.count <= 1) current.mode = { kind: 'forward' };
        else current.mode = { ...mode, count: mode.count - 1 };
        incoming.resume();
        outgoing.writeHead(mode.status, { 'content-type': 'application/json' });
        outgoing.end(JSON.stringify({ error_code: 'TEMPORARILY_UNAVAILABLE', message: 'injected by the test proxy' }));
        return;
      }
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('end', () => {
        const forward = () => {
          const upstream = request(
            { host: '127.0.0.1', port: targetPort, method: incoming.method, path: incoming.url, headers: { ...incoming.headers, host: `127.0.0.1:${targetPort}` } },
            (response) => {
              outgoing.writeHead(response.statusCode ?? 502, response.headers);
              response.pipe(outgoing);
            },
          );
          upstream.on('error', () => {
            if (!outgoing.headersSent) outgoing.writeHead(502);
            outgoing.end();
          });
          upstream.end(Buffer.concat(chunks));
        };
        if (mode.kind === 'delay') setTimeout(forward, mode.ms);
        else forward();
      });
    });
    const port = await new Promise<number>((resolve) => {
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        resolve(typeof address === 'object' && address !== null ? address.port : 0);
      });
    });
    proxy = new FaultProxy(server, port);
    return proxy;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
