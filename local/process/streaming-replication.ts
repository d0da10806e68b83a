import { join } from 'node:path';
import { makeTempDir, type Owner, removeTempDir, run, type ServiceProcess } from './process-control';
import {
  checkedPostgresInstall,
  createDatabase,
  initdb,
  launchPostgres,
  type PostgresOptions,
  postgresSettings,
  withClient,
} from './services';

const LOOPBACK = '127.0.0.1';
const REPLICATION_USER = 'replicator';

/** What a server of the pair is doing now. */
export type ServerRole = 'primary' | 'standby' | 'down';

/** One server of the pair as callers see it. */
export interface ReplicaServer {
  /** `a` (the first primary) or `b` (its first standby): also its `cluster_name` and replication slot. */
  readonly name: string;
  /** Kept across restarts and rebuilds, so a relay or a standby's `primary_conninfo` stays valid. */
  readonly port: number;
  readonly role: ServerRole;
}

/** One standby as the primary's `pg_stat_replication` reports it. */
export interface ReplicationState {
  readonly standby: string;
  /** `streaming`, `catchup`, `startup`… */
  readonly state: string;
  /** WAL the standby has not replayed yet. */
  readonly replayLagBytes: number;
  /**
   * The last measured time from a commit on the primary to its replay on the standby; 0 once the
   * standby has replayed everything and the primary has been idle (PostgreSQL then reports NULL).
   */
  readonly replayLagMs: number;
}

interface Node {
  readonly name: string;
  readonly baseDir: string;
  readonly dataDir: string;
  port: number;
  role: ServerRole;
  service?: ServiceProcess;
}

/**
 * PostgreSQL 15 as a primary with a streaming-replication standby on loopback, what an Aurora
 * cluster's writer and reader are: the standby is a `pg_basebackup -R` of the primary following
 * it through a physical replication slot. Failover promotes the standby (`pg_promote()`); a
 * server that comes back after a failover is rebuilt as the new primary's standby from a fresh
 * base backup (not `pg_rewind`: it needs `full_page_writes`, which the throwaway servers turn off,
 * and a base backup of a local database takes under a second). Operations run one at a time.
 */
export class StreamingReplicaSet {
  private queue: Promise<unknown> = Promise.resolve();
  /** Resolves once the first standby runs; rejects with why it could not be made. */
  standbyReady: Promise<void> = Promise.resolve();
  private stopped = false;

  private constructor(
    private readonly nodes: readonly Node[],
    private readonly binDir: string,
    private readonly owner: Owner | undefined,
    private readonly settings: Readonly<Record<string, string>>,
    readonly database: string,
  ) {}

  /**
   * Initializes and starts the primary (`a`) and creates `options.database`; resolves then, while
   * its standby (`b`) is copied and started: {@link standbyReady} tells when it streams. Callers
   * can use the primary a second or two sooner, and every other operation waits for the standby.
   */
  static async start(options: PostgresOptions = {}): Promise<StreamingReplicaSet> {
    const binDir = options.binDir ?? '/usr/lib/postgresql/15/bin';
    const owner = await checkedPostgresInstall(binDir);
    const settings = postgresSettings({ wal_level: 'replica', max_wal_senders: 4, ...options.settings });
    const nodes = ['a', 'b'].map((name): Node => {
      const baseDir = makeTempDir(`misybot-pg-${name}-`, owner);
      return { name, baseDir, dataDir: join(baseDir, 'data'), port: 0, role: 'down' };
    });
    const set = new StreamingReplicaSet(nodes, binDir, owner, settings, options.database ?? 'misybot_test');
    try {
      const [primary, standby] = nodes as [Node, Node];
      await initdb(binDir, primary.dataDir, primary.baseDir, owner);
      await set.launch(primary, 'primary');
      await createDatabase(primary.port, set.database);
      await withClient(primary.port, 'postgres', (client) =>
        client.query(`CREATE ROLE ${REPLICATION_USER} WITH REPLICATION LOGIN`),
      );
      set.standbyReady = set.serially(() => set.follow(standby, primary));
      // Awaited by whoever needs the standby; a failure must not go unhandled meanwhile.
      set.standbyReady.catch(() => undefined);
      return set;
    } catch (error) {
      await set.stop();
      throw error;
    }
  }

  /** Both servers with their roles now. */
  get servers(): readonly ReplicaServer[] {
    return this.nodes.map(({ name, port, role }) => ({ name, port, role }));
  }

  /** The server taking writes, if one is up. */
  get primary(): ReplicaServer | undefined {
    return this.servers.find((server) => server.role === 'primary');
  }

  /** Stops a server (fast shutdown: its sessions are cut), as an instance failure does. */
  stopServer(name: string): Promise<void> {
    return this.serially(() => this.halt(this.node(name)));
  }

  /**
   * Promotes the standby `name`. A primary still running elsewhere is stopped first and rebuilt as
   * the new primary's standby afterwards (a switchover: Aurora restarts the old writer as a reader),
   * so there is never a second primary. A server that is already the primary is left as it is; one
   * that is down cannot be promoted.
   */
  promote(name: string): Promise<void> {
    return this.serially(async () => {
      const node = this.node(name);
      if (node.role === 'primary') return;
      if (node.role === 'down') throw new Error(`cannot promote PostgreSQL server ${name}: it is down`);
      const old = this.nodes.find((candidate) => candidate.role === 'primary');
      if (old) await this.halt(old);
      await withClient(node.port, 'postgres', async (client) => {
        const { rows } = await client.query<{ promoted: boolean }>('SELECT pg_promote(true, 30) AS promoted');
        if (!rows[0]?.promoted) throw new Error(`PostgreSQL server ${name} did not finish promotion in 30 s`);
      });
      node.role = 'primary';
      if (old) await this.rebuild(old, node);
    });
  }

  /**
   * Brings a stopped server back: as the primary again when no other server took over, otherwise
   * as the current primary's standby, rebuilt from a fresh base backup. A running server is left.
   */
  restore(name: string): Promise<void> {
    return this.serially(async () => {
      const node = this.node(name);
      if (node.role !== 'down') return;
      const primary = this.nodes.find((candidate) => candidate.role === 'primary');
      await (primary ? this.rebuild(node, primary) : this.launch(node, 'primary'));
    });
  }

  /** The primary's view of its standbys; empty while no primary is up. */
  async replication(): Promise<ReplicationState[]> {
    const primary = this.primary;
    if (!primary) return [];
    return withClient(primary.port, 'postgres', async (client) => {
      // Read every 2 s by `npm start`: kept out of pg_stat_statements, which the slow-query digest reads.
      await client.query("SET pg_stat_statements.track = 'none'");
      const { rows } = await client.query<{
        standby: string;
        state: string;
        bytes: string | null;
        lag_ms: string | null;
      }>(
        `SELECT application_name AS standby, state,
                pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn) AS bytes,
                EXTRACT(EPOCH FROM replay_lag) * 1000 AS lag_ms
           FROM pg_stat_replication ORDER BY application_name`,
      );
      return rows.map((row) => ({
        standby: row.standby,
        state: row.state,
        replayLagBytes: Number(row.bytes ?? 0),
        replayLagMs: Number(row.lag_ms ?? 0),
      }));
    });
  }

  /** Stops both servers and deletes their directories; idempotent. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.queue.catch(() => undefined);
    for (const node of this.nodes) {
      await node.service?.stop();
      node.role = 'down';
      removeTempDir(node.baseDir);
    }
  }

  private node(name: string): Node {
    const node = this.nodes.find((candidate) => candidate.name === name);
    if (!node) throw new Error(`no PostgreSQL server "${name}": expected one of a, b`);
    return node;
  }

  private serially<T>(operation: () => Promise<T>): Promise<T> {
    const next = this.queue.then(() => {
      if (this.stopped) throw new Error('the PostgreSQL servers are stopped');
      return operation();
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async halt(node: Node): Promise<void> {
    await node.service?.stop();
    node.role = 'down';
  }

  /** A stopped server made the standby of `primary` again from a fresh copy of its data. */
  private async rebuild(node: Node, primary: Node): Promise<void> {
    removeTempDir(node.dataDir);
    await this.follow(node, primary);
  }

  private async launch(node: Node, role: ServerRole): Promise<void> {
    const launched = await launchPostgres({
      binDir: this.binDir,
      dataDir: node.dataDir,
      baseDir: node.baseDir,
      owner: this.owner,
      settings: { ...this.settings, cluster_name: node.name },
      ...(node.port ? { port: node.port } : {}),
    });
    node.service = launched.service;
    node.port = launched.port;
    node.role = role;
  }

  /** Makes `node` a standby of `primary`: a base backup that writes its own recovery settings. */
  private async follow(node: Node, primary: Node): Promise<void> {
    if (node.role === 'standby' || node.role === 'primary') return;
    await this.ensureSlot(primary, node.name);
    const source = `host=${LOOPBACK} port=${primary.port} user=${REPLICATION_USER}`;
    // A spread checkpoint (the default) paces the backup's start over minutes of checkpoint_timeout.
    const args = ['-d', source, '-D', node.dataDir, '-R', '-S', node.name, '-X', 'stream'];
    args.push('--checkpoint=fast', '--no-sync');
    await run(join(this.binDir, 'pg_basebackup'), args, { cwd: node.baseDir, ...this.owner });
    await this.launch(node, 'standby');
  }

  private ensureSlot(primary: Node, slot: string): Promise<unknown> {
    return withClient(primary.port, 'postgres', (client) =>
      client.query(
        `SELECT pg_create_physical_replication_slot($1)
          WHERE NOT EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = $1)`,
        [slot],
      ),
    );
  }
}
