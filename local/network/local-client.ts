import { request } from 'node:https';

/** `name:port` → the loopback address serving it. */
export type Routes = Readonly<Record<string, { readonly host: string; readonly port: number }>>;

/** An answer to a request made inside the emulated network. */
export interface LocalAnswer {
  readonly status: number;
  readonly body: string;
}

/**
 * HTTPS from the platform itself (SNS deliveries, Route 53 health checkers) to a name served
 * locally: connects to the route's port, verifies the certificate for the original name against
 * the local CA. A name without a route fails as unresolvable.
 */
export function localHttps(
  routes: Routes,
  caPem: string,
  url: string,
  init: {
    readonly method?: string;
    readonly headers?: Record<string, string>;
    readonly body?: string;
    readonly timeoutMs?: number;
  } = {},
): Promise<LocalAnswer> {
  const target = new URL(url);
  const port = Number(target.port || 443);
  const route = routes[`${target.hostname.toLowerCase()}:${port}`];
  if (!route) return Promise.reject(new Error(`getaddrinfo ENOTFOUND ${target.hostname}`));
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: route.host,
        port: route.port,
        servername: target.hostname,
        ca: caPem,
        method: init.method ?? 'GET',
        path: `${target.pathname}${target.search}`,
        headers: { host: target.host, ...init.headers },
        timeout: init.timeoutMs ?? 5000,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timed out after ${init.timeoutMs ?? 5000} ms`)));
    req.on('error', reject);
    req.end(init.body);
  });
}
