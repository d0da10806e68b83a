import type { FaultRelay } from '../fleet/fault-relay';
import type { ReplicationState, ServerRole, StreamingReplicaSet } from '../process/streaming-replication';
import type { ApiCall } from '../proxy/fault-proxy';
import type { AuroraCluster } from '../world/database';

/** The database as the status page shows it. */
export interface DatabaseView {
  /** Each Aurora instance of the emulated cluster with the PostgreSQL server standing in for it. */
  readonly instances: readonly {
    readonly instance: string;
    readonly server: string;
    readonly port: number;
    readonly role: ServerRole;
  }[];
  /** The port the fleet's database relay forwards to: the primary's, or the last one's. */
  readonly relayTarget: number;
  /** The primary's `pg_stat_replication`, sampled every {@link SAMPLE_MS}. */
  readonly replication: readonly (ReplicationState & { readonly instance: string })[];
  /** When `replication` was read (real ms); undefined before the first sample. */
  readonly sampledAt: number | undefined;
  /** Why the servers last failed to follow the cluster (a promotion or a rebuild), if they did. */
  readonly error: string | undefined;
}

/** What the binding needs of the emulated cluster: its roles, its instances' failures, its lag metric. */
export type EmulatedCluster = Pick<AuroraCluster, 'roles' | 'onInstanceChange' | 'setReplicaLag'>;

/** How often the replication lag is read (and becomes the reader's `AuroraReplicaLag`). */
export const SAMPLE_MS = 2000;

/**
 * Binds the emulated Aurora cluster to two real PostgreSQL servers: the writer instance is the
 * primary and the reader its streaming standby. When the control plane's `FailoverDBCluster` makes
 * the reader the writer, the standby is promoted and the fleet's database relay switches to it; an
 * instance that fails stops its server, and one that recovers after a failover comes back as the
 * new primary's standby. The standby's measured replay lag is the reader's `AuroraReplicaLag`.
 */
export class ReplicatedDatabase {
  private readonly serverOf = new Map<string, string>();
  private latest: { readonly at: number; readonly states: readonly ReplicationState[] } | undefined;
  private sampler: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly unsubscribe: (() => void)[] = [];
  /** The last failure to follow the emulator (a promotion or rebuild that failed), for the page. */
  private lastError: Error | undefined;

  constructor(
    private readonly servers: StreamingReplicaSet,
    private readonly relay: FaultRelay,
    private readonly cluster: EmulatedCluster,
  ) {}

  /**
   * Maps the cluster's writer to the primary and its first reader to the standby, then follows the
   * cluster: `onCall` is the fault proxy's call listener (FailoverDBCluster arrives through it).
   */
  async bind(onCall: (listener: (call: ApiCall) => void) => () => void): Promise<void> {
    await this.servers.standbyReady;
    const { writer, readers } = await this.cluster.roles();
    const primary = this.servers.primary;
    const standby = this.servers.servers.find((server) => server.role === 'standby');
    if (!writer || !readers[0] || !primary || !standby) {
      throw new Error(
        `the database needs a writer and a reader instance and a running primary and standby; got writer ${writer ?? 'none'}, readers ${readers.join(', ') || 'none'}`,
      );
    }
    this.serverOf.set(writer, primary.name).set(readers[0], standby.name);
    this.relay.switchTo({ host: '127.0.0.1', port: primary.port });
    this.unsubscribe.push(
      onCall((call) => {
        if (call.operation === 'FailoverDBCluster' && call.status === 200)
          this.follow(() => this.followWriter());
      }),
      this.cluster.onInstanceChange((instance, change) => {
        const server = this.serverOf.get(instance);
        if (!server) return;
        this.follow(() =>
          change === 'failed' ? this.servers.stopServer(server) : this.servers.restore(server),
        );
      }),
    );
    await this.sample();
    this.sampler = setInterval(() => void this.sample(), SAMPLE_MS);
    this.sampler.unref();
  }

  /** The instances, their servers and the replication lag. */
  view(): DatabaseView {
    const servers = this.servers.servers;
    const instanceOf = (server: string) =>
      [...this.serverOf].find(([, name]) => name === server)?.[0] ?? server;
    return {
      instances: [...this.serverOf].map(([instance, name]) => {
        const server = servers.find((candidate) => candidate.name === name)!;
        return { instance, server: name, port: server.port, role: server.role };
      }),
      relayTarget: this.relay.upstream.port,
      replication: (this.latest?.states ?? []).map((state) => ({
        ...state,
        instance: instanceOf(state.standby),
      })),
      sampledAt: this.latest?.at,
      error: this.lastError?.message,
    };
  }

  /** Stops following the cluster (before the servers stop, so a shutdown rebuilds nothing). */
  close(): void {
    this.closed = true;
    clearInterval(this.sampler);
    for (const unsubscribe of this.unsubscribe.splice(0)) unsubscribe();
  }

  private follow(action: () => Promise<void>): void {
    if (this.closed) return;
    void action().catch((error: Error) => {
      this.lastError = error;
    });
  }

  /** Promotes the server of the emulator's writer, if it is not the primary yet, and moves the relay. */
  private async followWriter(): Promise<void> {
    const { writer } = await this.cluster.roles();
    const server = writer ? this.serverOf.get(writer) : undefined;
    if (!server || this.closed) return;
    await this.servers.promote(server);
    const promoted = this.servers.servers.find((candidate) => candidate.name === server)!;
    this.relay.switchTo({ host: '127.0.0.1', port: promoted.port });
  }

  private async sample(): Promise<void> {
    try {
      const states = await this.servers.replication();
      this.latest = { at: Date.now(), states };
      for (const state of states) {
        const instance = [...this.serverOf].find(([, name]) => name === state.standby)?.[0];
        // Only measured values: while no primary answers, the reader keeps its last lag.
        if (instance) this.cluster.setReplicaLag(instance, state.replayLagMs);
      }
    } catch {
      // A primary that stops between the role check and the query: the next sample reads again.
    }
  }
}
