import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { ServerCredentials } from './certificates';
import type { LocalEndpoint } from './tls-relay';

/** One request a site received. */
export interface ReceivedRequest {
  /** Virtual time of arrival. */
  readonly at: number;
  readonly host: string;
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
}

/** How a site answers: status, body and optional headers. */
export interface SiteAnswer {
  readonly status: number;
  readonly body?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** A site's behaviour: answer a request (read with its body). */
export type SiteHandler = (request: ReceivedRequest) => SiteAnswer | Promise<SiteAnswer>;

/**
 * An HTTPS server for names the platform calls (the load balancer, the maintenance site, the chat
 * webhooks), with a certificate for those names. `now` stamps requests with the virtual time.
 */
export async function startHttpsSite(
  credentials: ServerCredentials,
  handler: SiteHandler,
  now: () => number,
): Promise<LocalEndpoint> {
  const server = createServer(credentials, (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request: ReceivedRequest = {
        at: now(),
        host: String(req.headers.host ?? '').split(':')[0] ?? '',
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      Promise.resolve(handler(request))
        .then((answer) => {
          res.writeHead(answer.status, { 'content-type': 'text/plain', ...answer.headers });
          res.end(answer.body ?? '');
        })
        .catch((error: Error) => {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(error.message);
        });
    });
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
