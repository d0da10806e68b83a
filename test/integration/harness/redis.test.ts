import { connect } from 'node:net';
import { createClient } from 'redis';
import { type RedisServer, startRedis } from '../../../local/process/services';
import { sharedRedisUrl, uniqueTestName } from './env';

// Some tests start and stop their own servers: a loaded CI machine can push one past jest's 5 s default.
jest.setTimeout(30_000);

// No reconnects: a test that expects a server to be down must see the failure, not a retry loop.
async function connectedClient(url: string) {
  const client = createClient({ url, socket: { reconnectStrategy: false, connectTimeout: 2000 } });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

type RedisClient = Awaited<ReturnType<typeof connectedClient>>;

function refusesConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

// A raw inline command, so the check does not depend on how a client library handshakes.
function firstReplyLine(port: number, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port }, () => socket.write(`${command}\r\n`));
    let received = '';
    socket.on('data', (chunk) => {
      received += chunk.toString();
      if (received.includes('\r\n')) {
        socket.destroy();
        resolve(received.slice(0, received.indexOf('\r\n')));
      }
    });
    socket.once('error', reject);
  });
}

describe('shared Redis from globalSetup', () => {
  const prefix = uniqueTestName('harness');
  let client: RedisClient;

  beforeAll(async () => {
    client = await connectedClient(sharedRedisUrl());
  });
  afterAll(async () => {
    await client?.close();
  });

  test('runs Redis 7', async () => {
    const info = await client.info('server');
    expect(info).toMatch(/redis_version:7\./);
  });

  test('SET with EX keeps the value and reports the TTL', async () => {
    await client.set(`${prefix}:ex`, 'v1', { expiration: { type: 'EX', value: 60 } });
    expect(await client.get(`${prefix}:ex`)).toBe('v1');
    const ttl = await client.ttl(`${prefix}:ex`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60);
  });

  test('a key set with PX is gone once it expires', async () => {
    await client.set(`${prefix}:px`, 'v2', { expiration: { type: 'PX', value: 50 } });
    expect(await client.get(`${prefix}:px`)).toBe('v2');
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(await client.get(`${prefix}:px`)).toBeNull();
  });
});

describe('private Redis from startRedis()', () => {
  let server: RedisServer | undefined;

  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  test('stop() closes the port and restart() brings an empty server back on the same port', async () => {
    server = await startRedis();
    const { port, url } = server;
    const before = await connectedClient(url);
    await before.set('survives-restart', 'no');
    await before.close();

    await server.stop();
    expect(await refusesConnections(port)).toBe(true);

    await server.restart();
    expect(server.port).toBe(port);
    const after = await connectedClient(url);
    expect(await after.ping()).toBe('PONG');
    // --save '' and --appendonly no: nothing is persisted across the restart.
    expect(await after.get('survives-restart')).toBeNull();
    await after.close();
  });

  test('a password set with requirepass is enforced and carried in the URL', async () => {
    server = await startRedis({ password: 'p@ss word' });
    expect(server.url).toBe(`redis://:p%40ss%20word@127.0.0.1:${server.port}`);
    expect(await firstReplyLine(server.port, 'PING')).toMatch(/^-NOAUTH/);
    const authenticated = await connectedClient(server.url);
    expect(await authenticated.ping()).toBe('PONG');
    await authenticated.close();
  });

  test('a missing binary is reported with the package to install', async () => {
    await expect(startRedis({ binary: '/nonexistent/redis-server' })).rejects.toThrow(
      'redis-server not found: apt-get install -y redis-server',
    );
  });
});
