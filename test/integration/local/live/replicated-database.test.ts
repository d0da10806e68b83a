import { Client } from 'pg';
import { FaultRelay } from '../../../../local/fleet/fault-relay';
import { type EmulatedCluster, ReplicatedDatabase } from '../../../../local/live/replicated-database';
import { StreamingReplicaSet } from '../../../../local/process/streaming-replication';
import type { ApiCall } from '../../../../local/proxy/fault-proxy';
import type { ClusterRoles } from '../../../../local/world/database';

// `npm start`'s database: a real PostgreSQL 15 primary with a real streaming standby, bound to the
// emulated Aurora cluster. The cluster here is a small in-memory one (writer db-1, reader db-2)
// that moves its writer on FailoverDBCluster, as the emulator does; the servers and the relay are real.

jest.setTimeout(60_000);

const DATABASE = 'misybot_replication';

/** The emulated cluster's side: roles, instance failures and the reader's lag metric. */
class InMemoryCluster implements EmulatedCluster {
  roles_: ClusterRoles = { writer: 'db-1', readers: ['db-2'] };
  readonly lag = new Map<string, number | undefined>();
  private readonly listeners = new Set<(instance: string, change: 'failed' | 'recovered') => void>();

  async roles(): Promise<ClusterRoles> {
    return this.roles_;
  }
  onInstanceChange(listener: (instance: string, change: 'failed' | 'recovered') => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  setReplicaLag(instance: string, lagMs: number | undefined): void {
    this.lag.set(instance, lagMs);
  }
  emit(instance: string, change: 'failed' | 'recovered'): void {
    for (const listener of this.listeners) listener(instance, change);
  }
}

let servers: StreamingReplicaSet;
let relay: FaultRelay;
let relayPort: number;
let cluster: InMemoryCluster;
let database: ReplicatedDatabase;
const callListeners = new Set<(call: ApiCall) => void>();

function portOf(name: string): number {
  return servers.servers.find((server) => server.name === name)!.port;
}

async function query<T extends Record<string, unknown>>(port: number, sql: string): Promise<T[]> {
  const client = new Client({ host: '127.0.0.1', port, user: 'postgres', database: DATABASE });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Polls `check` every 100 ms until it holds; fails with what it last saw. */
async function eventually<T>(read: () => Promise<T> | T, check: (value: T) => boolean, ms = 20_000) {
  const deadline = Date.now() + ms;
  let last: T | Error | undefined;
  while (Date.now() < deadline) {
    try {
      last = await read();
      if (check(last)) return last;
    } catch (error) {
      last = error as Error;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(
    `condition not met in ${ms} ms; last seen: ${String(last instanceof Error ? last.message : JSON.stringify(last))}`,
  );
}

const values = async (port: number) =>
  (await query<{ v: string }>(port, 'SELECT v FROM replicated ORDER BY v')).map((row) => row.v);

beforeAll(async () => {
  servers = await StreamingReplicaSet.start({ database: DATABASE });
  relay = new FaultRelay({ host: '127.0.0.1', port: portOf('a') }, 'database');
  relayPort = await relay.start();
  cluster = new InMemoryCluster();
  database = new ReplicatedDatabase(servers, relay, cluster);
  await database.bind((listener) => {
    callListeners.add(listener);
    return () => callListeners.delete(listener);
  });
}, 60_000);

afterAll(async () => {
  database?.close();
  await relay?.stop();
  await servers?.stop();
});

test('the standby follows the primary: a write through the relay is replayed on it, and it refuses writes', async () => {
  await query(
    relayPort,
    "CREATE TABLE replicated (v text PRIMARY KEY); INSERT INTO replicated VALUES ('before')",
  );
  expect(
    await eventually(
      () => values(portOf('b')),
      (seen) => seen.includes('before'),
    ),
  ).toEqual(['before']);
  await expect(query(portOf('b'), "INSERT INTO replicated VALUES ('on-standby')")).rejects.toThrow(
    /read-only transaction/,
  );
  const replication = await eventually(
    () => servers.replication(),
    (states) => states[0]?.state === 'streaming' && states[0].replayLagBytes === 0,
  );
  expect(replication).toEqual([
    { standby: 'b', state: 'streaming', replayLagBytes: 0, replayLagMs: expect.any(Number) },
  ]);
  // Read every 2 s while `npm start` runs: kept out of what the slow-query digest reads.
  const recorded = await query(
    portOf('a'),
    "SELECT query FROM pg_stat_statements WHERE query LIKE '%pg_stat_replication%' AND query NOT LIKE '%pg_stat_statements%'",
  );
  expect(recorded).toEqual([]);
});

test('the status view maps each instance to its server and shows the standby lag; the lag reaches the reader', async () => {
  const view = await eventually(
    () => database.view(),
    (seen) => seen.replication.length === 1,
  );
  expect(view.instances).toEqual([
    { instance: 'db-1', server: 'a', port: portOf('a'), role: 'primary' },
    { instance: 'db-2', server: 'b', port: portOf('b'), role: 'standby' },
  ]);
  expect(view.relayTarget).toBe(portOf('a'));
  expect(view.replication[0]).toMatchObject({ instance: 'db-2', standby: 'b', state: 'streaming' });
  expect(cluster.lag.get('db-2')).toEqual(expect.any(Number));
  expect(cluster.lag.has('db-1')).toBe(false);
});

test('the writer fails, FailoverDBCluster makes the reader the writer: the standby is promoted and the relay follows it', async () => {
  cluster.emit('db-1', 'failed');
  await eventually(
    () => servers.servers,
    (seen) => seen.find((server) => server.name === 'a')?.role === 'down',
  );
  await expect(query(portOf('a'), 'SELECT 1')).rejects.toThrow();
  cluster.roles_ = { writer: 'db-2', readers: ['db-1'] };
  for (const listener of callListeners) {
    listener({ at: Date.now(), service: 'rds', operation: 'FailoverDBCluster', params: {}, status: 200 });
  }
  await eventually(
    () => database.view().relayTarget,
    (port) => port === portOf('b'),
  );
  expect(servers.primary?.name).toBe('b');
  await query(relayPort, "INSERT INTO replicated VALUES ('after-failover')");
  expect(await values(relayPort)).toEqual(['after-failover', 'before']);
  const [recovery] = await query<{ standby: boolean }>(relayPort, 'SELECT pg_is_in_recovery() AS standby');
  expect(recovery).toEqual({ standby: false });
});

test('the old writer comes back as the new primary’s standby, on its old port, with the writes it missed', async () => {
  const port = portOf('a');
  cluster.emit('db-1', 'recovered');
  expect(
    await eventually(
      () => values(port),
      (seen) => seen.includes('after-failover'),
    ),
  ).toEqual(['after-failover', 'before']);
  expect(portOf('a')).toBe(port);
  const [recovery] = await query<{ standby: boolean }>(port, 'SELECT pg_is_in_recovery() AS standby');
  expect(recovery).toEqual({ standby: true });
  const replication = await eventually(
    () => servers.replication(),
    (states) => states[0]?.state === 'streaming',
  );
  expect(replication.map((state) => state.standby)).toEqual(['a']);
});

test('promoting the standby while the primary runs is a switchover: the old primary is rebuilt as its standby, never two primaries', async () => {
  await servers.promote('a');
  expect(servers.servers.map(({ name, role }) => ({ name, role }))).toEqual([
    { name: 'a', role: 'primary' },
    { name: 'b', role: 'standby' },
  ]);
  const inRecovery = async (name: string) =>
    (await query<{ r: boolean }>(portOf(name), 'SELECT pg_is_in_recovery() AS r'))[0]!.r;
  expect(await inRecovery('a')).toBe(false);
  expect(await inRecovery('b')).toBe(true);
  await query(portOf('a'), "INSERT INTO replicated VALUES ('after-switchover')");
  expect(
    await eventually(
      () => values(portOf('b')),
      (seen) => seen.includes('after-switchover'),
    ),
  ).toHaveLength(3);
});

test('a server that is down cannot be promoted, and the refusal names it', async () => {
  await servers.stopServer('b');
  await expect(servers.promote('b')).rejects.toThrow('cannot promote PostgreSQL server b: it is down');
  await expect(servers.promote('c')).rejects.toThrow('no PostgreSQL server "c": expected one of a, b');
});

test('a failover to an instance whose server is down leaves the relay where it was and says why on the page', async () => {
  const before = database.view().relayTarget;
  cluster.roles_ = { writer: 'db-2', readers: ['db-1'] };
  for (const listener of callListeners) {
    listener({ at: Date.now(), service: 'rds', operation: 'FailoverDBCluster', params: {}, status: 200 });
  }
  const view = await eventually(
    () => database.view(),
    (seen) => seen.error !== undefined,
  );
  expect(view.error).toBe('cannot promote PostgreSQL server b: it is down');
  expect(view.relayTarget).toBe(before);
});
