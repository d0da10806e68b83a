import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import {
  createServer as createHttp,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttps } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createServer as createTcp } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** Routes every probe scenario needs; `/hang` never answers. */
export const routes: Record<string, Handler> = {
  '/ok': (_, res) => res.end('{"status":"ok"}'),
  '/slow': (_, res) => setTimeout(() => res.end('{"status":"ok"}'), 150),
  '/hang': () => {},
  '/error': (_, res) => {
    res.statusCode = 500;
    res.end('{"status":"error"}');
  },
  '/wrong-body': (_, res) => res.end('{"status":"degraded"}'),
  '/reset': (_, res) => {
    res.writeHead(200, { 'content-length': '1000' });
    res.write('{"status":"o');
    setTimeout(() => res.socket?.resetAndDestroy(), 20);
  },
  '/big': (_, res) => res.end(`${'x'.repeat(100_000)}{"status":"ok"}`),
};

function route(req: IncomingMessage, res: ServerResponse) {
  const handler = routes[new URL(req.url ?? '/', 'http://x').pathname];
  if (handler) return handler(req, res);
  res.statusCode = 404;
  res.end('not found');
}

/** A started server and how to stop it (dropping hanging connections too). */
export interface Running {
  readonly port: number;
  stop(): Promise<void>;
}

async function listen(server: Server | ReturnType<typeof createTcp>): Promise<Running> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        (server as Server).closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

/** An HTTP server on loopback serving {@link routes}. */
export function startHttp(): Promise<Running> {
  return listen(createHttp(route));
}

/** A TCP server on loopback that accepts and closes connections. */
export function startTcp(): Promise<Running> {
  return listen(createTcp((socket) => socket.end()));
}

/** A loopback port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = await listen(createTcp());
  await server.stop();
  return server.port;
}

/** A self-signed certificate for 127.0.0.1 valid for `days`, made with the openssl CLI. */
export function selfSignedCertificate(days: number): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'misybot-tls-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        String(days),
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1,DNS:localhost',
      ],
      { stdio: 'ignore' },
    );
    return {
      key: readFileSync(join(dir, 'key.pem'), 'utf8'),
      cert: readFileSync(join(dir, 'cert.pem'), 'utf8'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** An HTTPS server on loopback serving {@link routes} with the given certificate. */
export function startHttps(tls: { key: string; cert: string }): Promise<Running> {
  return listen(createHttps(tls, route) as unknown as Server);
}
