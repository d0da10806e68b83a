import type { GlobalResources } from '../../../../../functions/core/failover/region/resources';

export const T = Date.UTC(2026, 11, 1, 12);
export const PRIMARY_ARN = 'arn:aws:rds:eu-west-1:123456789012:cluster:misybot-primary';
export const STANDBY_ARN = 'arn:aws:rds:eu-central-1:123456789012:cluster:misybot-standby';

export const resources: GlobalResources = {
  globalClusterIdentifier: 'misybot-geo-ha-global',
  globalReplicationGroupId: 'ldgnf-misybot-geo-ha-cache',
  primaryRegion: 'eu-west-1',
  primaryGateHealthCheckId: 'gate-1111',
  regions: {
    'eu-west-1': {
      region: 'eu-west-1',
      clusterArn: PRIMARY_ARN,
      replicationGroupId: 'misybot-cache-primary',
      autoScalingGroupName: 'misybot-fleet-primary',
      healthCheckId: 'hc-primary',
      secretArns: [],
      databaseInstanceClass: 'db.r6g.large',
    },
    'eu-central-1': {
      region: 'eu-central-1',
      clusterArn: STANDBY_ARN,
      replicationGroupId: 'misybot-cache-standby',
      autoScalingGroupName: 'misybot-fleet-standby',
      healthCheckId: 'hc-standby',
      certificateArn:
        'arn:aws:acm:eu-central-1:123456789012:certificate/0f0e0d0c-0000-4000-8000-000000000001',
      secretArns: ['arn:aws:secretsmanager:eu-central-1:123456789012:secret:misybot/cache-AbCdEf'],
      databaseInstanceClass: 'db.r6g.large',
    },
  },
};

/** A DescribeGlobalClusters answer with `writerArn` writing. */
export const globalCluster = (writerArn: string, Status = 'available') => ({
  GlobalClusters: [
    {
      GlobalClusterIdentifier: resources.globalClusterIdentifier,
      Status,
      GlobalClusterMembers: [PRIMARY_ARN, STANDBY_ARN].map((arn) => ({
        DBClusterArn: arn,
        IsWriter: arn === writerArn,
      })),
    },
  ],
});

/** A DescribeGlobalReplicationGroups answer with the primary in `region`. */
export const datastore = (region: string, Status = 'available') => ({
  GlobalReplicationGroups: [
    {
      GlobalReplicationGroupId: resources.globalReplicationGroupId,
      Status,
      Members: ['eu-west-1', 'eu-central-1'].map((r) => ({
        ReplicationGroupId: `misybot-cache-${r === 'eu-west-1' ? 'primary' : 'standby'}`,
        ReplicationGroupRegion: r,
        Role: r === region ? 'PRIMARY' : 'SECONDARY',
      })),
    },
  ],
});
