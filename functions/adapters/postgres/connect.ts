import { Signer } from '@aws-sdk/rds-signer';
import type { Client, ClientConfig } from 'pg';

/** What an RDS IAM authentication token is signed for. */
export interface AuthTokenRequest {
  readonly hostname: string;
  readonly port: number;
  readonly username: string;
  readonly region: string;
}

/** Returns a password for one connection: an IAM token in AWS, anything in tests. */
export type AuthTokenProvider = (request: AuthTokenRequest) => Promise<string>;

/**
 * Signs a 15-minute IAM authentication token with the function's role (`rds-db:connect`). Signing is
 * local (SigV4), so it costs no API call; a token is made per connection and never cached.
 */
export const rdsSignerTokenProvider: AuthTokenProvider = (request) =>
  new Signer({
    hostname: request.hostname,
    port: request.port,
    username: request.username,
    region: request.region,
  }).getAuthToken();

/** Where and how to connect through RDS Proxy. */
export interface IamConnectionOptions {
  /** The proxy endpoint (the token is signed for this exact host and port). */
  readonly hostname: string;
  readonly port: number;
  readonly database: string;
  readonly username: string;
  readonly region: string;
  /** Shown in pg_stat_activity, so operators can tell the analysis from the application. */
  readonly applicationName: string;
  /** Server-side limit per statement. @default 30000 */
  readonly statementTimeoutMs?: number;
  /** @default 10000 */
  readonly connectTimeoutMs?: number;
  /**
   * PEM certificates to trust instead of Node's bundled roots. RDS Proxy serves an ACM certificate
   * that chains to Amazon's public roots, which Node already trusts, so the proxy needs none; a
   * direct connection to the cluster needs the RDS CA bundle here (or `NODE_EXTRA_CA_CERTS`).
   * @default Node's bundled root certificates
   */
  readonly ca?: string;
  /** @default {@link rdsSignerTokenProvider} */
  readonly tokenProvider?: AuthTokenProvider;
  /** Builds the client; tests replace it. @default `new Client(config)` from pg */
  readonly createClient?: (config: ClientConfig) => Client;
}

/** Opens a connected client; the caller ends it. */
export type ConnectionFactory = () => Promise<Client>;

/** The database could not be reached or refused the login. */
export class DatabaseConnectionError extends Error {
  override readonly name = 'DatabaseConnectionError';
}

/** The pg client configuration for one connection with `password` (the token). */
export function iamClientConfig(options: IamConnectionOptions, password: string): ClientConfig {
  return {
    host: options.hostname,
    port: options.port,
    database: options.database,
    user: options.username,
    password,
    // IAM tokens are only accepted over TLS, and a token sent to an unverified host could be replayed.
    ssl: { rejectUnauthorized: true, ...(options.ca ? { ca: options.ca } : {}) },
    statement_timeout: options.statementTimeoutMs ?? 30_000,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
    application_name: options.applicationName,
  };
}

/**
 * Connections through RDS Proxy with IAM authentication and verified TLS: a fresh token for each
 * connection, a statement timeout so a stuck catalog query cannot eat the function's budget, and
 * an error that names the endpoint and user (never the token).
 */
export function iamConnectionFactory(options: IamConnectionOptions): ConnectionFactory {
  const tokens = options.tokenProvider ?? rdsSignerTokenProvider;
  // pg costs ~20 ms of CPU when it loads: it loads with the first connection, not the cold start.
  const create =
    options.createClient ??
    ((config: ClientConfig) => new (require('pg') as typeof import('pg')).Client(config));
  return async () => {
    const token = await tokens({
      hostname: options.hostname,
      port: options.port,
      username: options.username,
      region: options.region,
    });
    const client = create(iamClientConfig(options, token));
    // A connection the proxy drops while idle emits 'error'; the next query reports it instead.
    client.on('error', () => undefined);
    try {
      await client.connect();
    } catch (error) {
      await client.end().catch(() => undefined);
      throw new DatabaseConnectionError(
        `cannot connect to ${options.hostname}:${options.port}/${options.database} as ${options.username}: ` +
          `${(error as Error).message}; check the security group rule to the proxy, the role's rds-db:connect ` +
          'grant and that the user is registered with the proxy',
        { cause: error },
      );
    }
    return client;
  };
}
