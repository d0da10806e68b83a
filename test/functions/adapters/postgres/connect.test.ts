import type { Client, ClientConfig } from 'pg';
import {
  type AuthTokenRequest,
  DatabaseConnectionError,
  iamConnectionFactory,
  rdsSignerTokenProvider,
} from '../../../../functions/adapters/postgres/connect';

const OPTIONS = {
  hostname: 'misybot.proxy-abc123.eu-west-1.rds.amazonaws.com',
  port: 5432,
  database: 'misybot',
  username: 'postgres',
  region: 'eu-west-1',
  applicationName: 'misybot-ha slow-queries',
};

function fakeClient(connect: () => Promise<void> = async () => undefined) {
  const calls: string[] = [];
  const client = {
    on: (event: string) => {
      calls.push(`on:${event}`);
      return client;
    },
    connect: async () => {
      calls.push('connect');
      await connect();
    },
    end: async () => {
      calls.push('end');
    },
  };
  return { client: client as unknown as Client, calls };
}

describe('iamConnectionFactory', () => {
  it('signs a fresh token for the proxy endpoint and connects with verified TLS, a timeout and a name', async () => {
    const requests: AuthTokenRequest[] = [];
    const configs: ClientConfig[] = [];
    const { client, calls } = fakeClient();
    let n = 0;
    const connect = iamConnectionFactory({
      ...OPTIONS,
      statementTimeoutMs: 20_000,
      tokenProvider: async (request) => {
        requests.push(request);
        n += 1;
        return `token-${n}`;
      },
      createClient: (config) => {
        configs.push(config);
        return client;
      },
    });

    await expect(connect()).resolves.toBe(client);
    await connect();

    expect(requests).toEqual([
      { hostname: OPTIONS.hostname, port: 5432, username: 'postgres', region: 'eu-west-1' },
      { hostname: OPTIONS.hostname, port: 5432, username: 'postgres', region: 'eu-west-1' },
    ]);
    expect(configs[0]).toEqual({
      host: OPTIONS.hostname,
      port: 5432,
      database: 'misybot',
      user: 'postgres',
      password: 'token-1',
      ssl: { rejectUnauthorized: true },
      statement_timeout: 20_000,
      connectionTimeoutMillis: 10_000,
      application_name: 'misybot-ha slow-queries',
    });
    expect(configs[1]!.password).toBe('token-2');
    expect(calls.slice(0, 2)).toEqual(['on:error', 'connect']);
  });

  it('trusts the given CA bundle when one is passed (a direct connection to the cluster)', async () => {
    const configs: ClientConfig[] = [];
    const connect = iamConnectionFactory({
      ...OPTIONS,
      ca: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
      tokenProvider: async () => 't',
      createClient: (config) => {
        configs.push(config);
        return fakeClient().client;
      },
    });
    await connect();
    expect(configs[0]!.ssl).toEqual({
      rejectUnauthorized: true,
      ca: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
    });
    expect(configs[0]!.statement_timeout).toBe(30_000);
  });

  it('names the endpoint and user but never the token when the login fails, and closes the client', async () => {
    const { client, calls } = fakeClient(async () => {
      throw new Error('PAM authentication failed for user "postgres"');
    });
    const connect = iamConnectionFactory({
      ...OPTIONS,
      tokenProvider: async () => 'secret-token-value',
      createClient: () => client,
    });

    const error = await connect().catch((e: unknown) => e);

    expect(error).toBeInstanceOf(DatabaseConnectionError);
    expect((error as Error).message).toMatch(
      /^cannot connect to misybot\.proxy-abc123\.eu-west-1\.rds\.amazonaws\.com:5432\/misybot as postgres: PAM authentication failed.*rds-db:connect/,
    );
    expect((error as Error).message).not.toContain('secret-token-value');
    expect((error as Error).cause).toBeInstanceOf(Error);
    expect(calls).toEqual(['on:error', 'connect', 'end']);
  });

  it('fails without connecting when no token can be signed', async () => {
    const { client, calls } = fakeClient();
    const connect = iamConnectionFactory({
      ...OPTIONS,
      tokenProvider: async () => {
        throw new Error('Could not load credentials from any providers');
      },
      createClient: () => client,
    });
    await expect(connect()).rejects.toThrow('Could not load credentials');
    expect(calls).toEqual([]);
  });
});

describe('rdsSignerTokenProvider', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('presigns rds-db connect for the host, port, user and region (signed locally, no network)', async () => {
    process.env.AWS_ACCESS_KEY_ID = 'AKIDEXAMPLE';
    process.env.AWS_SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
    delete process.env.AWS_PROFILE;

    const token = await rdsSignerTokenProvider({
      hostname: OPTIONS.hostname,
      port: 5432,
      username: 'postgres',
      region: 'eu-west-1',
    });

    const url = new URL(`https://${token}`);
    expect(url.host).toBe(`${OPTIONS.hostname}:5432`);
    expect(url.searchParams.get('Action')).toBe('connect');
    expect(url.searchParams.get('DBUser')).toBe('postgres');
    expect(url.searchParams.get('X-Amz-Credential')).toMatch(
      /^AKIDEXAMPLE\/\d{8}\/eu-west-1\/rds-db\/aws4_request$/,
    );
    expect(url.searchParams.get('X-Amz-Expires')).toBe('900');
  });
});
