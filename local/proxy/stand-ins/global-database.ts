import type { VirtualClock } from '../../clock/virtual-clock';
import { awsError, queryResult, type XmlValue } from '../aws-responses';
import type { FaultProxy } from '../fault-proxy';

const NAMESPACE = 'http://rds.amazonaws.com/doc/2014-10-31/';
const LIST_ITEMS = { GlobalClusters: 'GlobalClusterMember', GlobalClusterMembers: 'GlobalClusterMember' };
/**
 * From `SwitchoverGlobalCluster` until the target writes: AWS waits for the secondary to catch up,
 * then demotes the old writer and promotes the target ("typically a minute or two").
 */
export const GLOBAL_SWITCHOVER_MS = 90_000;
/** From `FailoverGlobalCluster` until the target writes: no catch-up, the promotion only. */
export const GLOBAL_FAILOVER_MS = 60_000;

interface Change {
  readonly to: string;
  readonly at: number;
  readonly status: 'switching-over' | 'failing-over';
}

interface GlobalCluster {
  readonly id: string;
  readonly engine: string;
  /** Member cluster ARNs; the writer among them. */
  readonly members: string[];
  writer: string;
  change?: Change;
}

/**
 * The Aurora global database as AWS documents it, where moto 5.2 has no
 * `SwitchoverGlobalCluster` or `FailoverGlobalCluster` and never changes a member's role:
 * `DescribeGlobalClusters` lists the members with `IsWriter` and `Readers`; a switchover (or
 * failover) puts the global cluster in `switching-over` (`failing-over`) and makes the target
 * the writer after {@link GLOBAL_SWITCHOVER_MS} ({@link GLOBAL_FAILOVER_MS}), the old writer
 * then a secondary. A change while another is in flight is `InvalidGlobalClusterStateFault`; a
 * target that is not a member is `DBClusterNotFoundFault`; the writer as target is refused.
 */
export class GlobalDatabaseStandIn {
  private readonly clusters = new Map<string, GlobalCluster>();

  constructor(private readonly clock: VirtualClock) {}

  /** Adds a global cluster deployed in the emulator, with its member clusters' ARNs (writer first). */
  add(id: string, engine: string, members: readonly string[]): void {
    if (members.length === 0) throw new Error(`global cluster ${id} needs a member`);
    this.clusters.set(id, { id, engine, members: [...members], writer: members[0]! });
  }

  /** The writer member's ARN now. */
  writerOf(id: string): string {
    return this.settle(this.get(id)).writer;
  }

  private get(id: string): GlobalCluster {
    const cluster = this.clusters.get(id);
    if (!cluster) throw new Error(`no global cluster ${id}`);
    return cluster;
  }

  private settle(cluster: GlobalCluster): GlobalCluster {
    if (cluster.change && this.clock.now() >= cluster.change.at) {
      cluster.writer = cluster.change.to;
      cluster.change = undefined;
    }
    return cluster;
  }

  private describe(cluster: GlobalCluster): Record<string, XmlValue> {
    const { writer } = this.settle(cluster);
    return {
      GlobalClusterIdentifier: cluster.id,
      GlobalClusterResourceId: `cluster-${cluster.id}`,
      GlobalClusterArn: `arn:aws:rds::${cluster.members[0]!.split(':')[4]}:global-cluster:${cluster.id}`,
      Status: cluster.change?.status ?? 'available',
      Engine: cluster.engine,
      GlobalClusterMembers: cluster.members.map((arn) => ({
        DBClusterArn: arn,
        Readers: arn === writer ? cluster.members.filter((other) => other !== arn) : [],
        IsWriter: arn === writer,
        GlobalWriteForwardingStatus: 'disabled',
        SynchronizationStatus: 'connected',
      })),
    };
  }

  private change(mode: Change['status']) {
    return async (request: { params: Readonly<Record<string, unknown>> }) => {
      const operation = mode === 'switching-over' ? 'SwitchoverGlobalCluster' : 'FailoverGlobalCluster';
      const id = String(request.params.GlobalClusterIdentifier);
      const cluster = this.clusters.get(id);
      if (!cluster)
        return awsError('query', 404, 'GlobalClusterNotFoundFault', `Global cluster ${id} not found.`);
      this.settle(cluster);
      const target = String(request.params.TargetDbClusterIdentifier);
      const member = cluster.members.find((arn) => arn === target || arn.endsWith(`:cluster:${target}`));
      if (!member)
        return awsError('query', 404, 'DBClusterNotFoundFault', `${target} is not a member of ${id}.`);
      if (cluster.change) {
        return awsError(
          'query',
          400,
          'InvalidGlobalClusterStateFault',
          `Global cluster ${id} is ${cluster.change.status}.`,
        );
      }
      if (member === cluster.writer) {
        return awsError('query', 400, 'InvalidParameterValue', `${target} is already the primary cluster.`);
      }
      if (mode === 'failing-over' && request.params.AllowDataLoss !== 'true' && !request.params.Switchover) {
        return awsError(
          'query',
          400,
          'InvalidParameterCombination',
          'Either AllowDataLoss or Switchover must be specified.',
        );
      }
      const delay = mode === 'switching-over' ? GLOBAL_SWITCHOVER_MS : GLOBAL_FAILOVER_MS;
      cluster.change = { to: member, at: this.clock.now() + delay, status: mode };
      return queryResult(operation, NAMESPACE, { GlobalCluster: this.describe(cluster) }, LIST_ITEMS);
    };
  }

  install(proxy: FaultProxy): void {
    proxy.intercept('rds', 'DescribeGlobalClusters', async (request) => {
      const id = request.params.GlobalClusterIdentifier;
      const found = id === undefined ? [...this.clusters.values()] : [this.clusters.get(String(id))];
      if (found.some((cluster) => cluster === undefined))
        return awsError(
          'query',
          404,
          'GlobalClusterNotFoundFault',
          `Global cluster ${String(id)} not found.`,
        );
      return queryResult(
        'DescribeGlobalClusters',
        NAMESPACE,
        { GlobalClusters: found.map((cluster) => this.describe(cluster!)) },
        LIST_ITEMS,
      );
    });
    proxy.intercept('rds', 'SwitchoverGlobalCluster', this.change('switching-over'));
    proxy.intercept('rds', 'FailoverGlobalCluster', this.change('failing-over'));
  }
}
