import type { AddressInfo } from 'node:net';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { createSecureContext, createServer as createTlsServer, TLSSocket } from 'node:tls';
import type { ServerCredentials } from './certificates';

/** A local listener standing in for an AWS endpoint. */
export interface LocalEndpoint {
  readonly port: number;
  close(): Promise<void>;
}

/** Where a relay sends the plain connection, decided per connection. */
export type RelayTarget = () => { readonly host: string; readonly port: number };

// PostgreSQL's SSLRequest: length 8, code 80877103.
const SSL_REQUEST = Buffer.from([0, 0, 0, 8, 4, 210, 22, 47]);

/** A PostgreSQL ErrorResponse message (severity, SQLSTATE, text). */
function postgresError(code: string, message: string): Buffer {
  const fields = Buffer.from(`SFATAL\0VFATAL\0C${code}\0M${message}\0\0`);
  const header = Buffer.alloc(5);
  header.write('E', 0);
  header.writeInt32BE(fields.length + 4, 1);
  return Buffer.concat([header, fields]);
}

async function listen(server: Server): Promise<LocalEndpoint> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function pipe(client: Socket, target: ReturnType<RelayTarget>, first?: Buffer): void {
  const upstream = connect(target);
  if (first) upstream.write(first);
  client.pipe(upstream).pipe(client);
  const close = () => {
    client.destroy();
    upstream.destroy();
  };
  client.on('error', close);
  upstream.on('error', close);
  client.on('close', close);
  upstream.on('close', close);
}

/**
 * A TLS endpoint in front of a plain TCP service, as ElastiCache's in-transit encryption is in
 * front of Redis: clients verify the certificate of the AWS name they dialled.
 */
export function startTlsRelay(credentials: ServerCredentials, target: RelayTarget): Promise<LocalEndpoint> {
  const server = createTlsServer(credentials, (secure) => pipe(secure, target()));
  server.on('tlsClientError', () => undefined);
  return listen(server as unknown as Server);
}

/**
 * A PostgreSQL endpoint that requires TLS, as RDS Proxy does: it answers the client's
 * SSLRequest, terminates TLS with the proxy name's certificate and relays the session to the
 * database in plain text (the database trusts the loopback).
 */
export function startPostgresTlsProxy(
  credentials: ServerCredentials,
  target: RelayTarget,
  onSession: (servername: string) => void = () => undefined,
): Promise<LocalEndpoint> {
  const server = createServer((raw) => {
    raw.once('data', (first: Buffer) => {
      if (!first.subarray(0, 8).equals(SSL_REQUEST)) {
        // RequireTLS: a plain startup is refused the way the proxy refuses it.
        raw.end(postgresError('28000', 'this RDS Proxy requires TLS connections'));
        return;
      }
      raw.write('S');
      const secure = new TLSSocket(raw, { isServer: true, secureContext: createSecureContext(credentials) });
      secure.on('error', () => raw.destroy());
      secure.once('secure', () => {
        onSession(String((secure as unknown as { servername?: string }).servername ?? ''));
        pipe(secure as unknown as Socket, target());
      });
    });
    raw.on('error', () => raw.destroy());
  });
  return listen(server);
}

/** A plain TCP relay whose target is chosen per connection (DNS failover between two sites). */
export function startTcpRouter(target: RelayTarget): Promise<LocalEndpoint> {
  return listen(createServer((client) => pipe(client, target())));
}
