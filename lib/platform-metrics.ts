import { Duration } from 'aws-cdk-lib';
import { type IMetric, MathExpression, Metric } from 'aws-cdk-lib/aws-cloudwatch';
import { auroraDefaultMaxConnections } from '../functions/shared/config/limits';

/**
 * The platform's resources as CloudWatch knows them: plain names and ids (tokens are fine), so
 * the alarms and the dashboard do not depend on the classes that create the resources.
 */
export interface PlatformResourceNames {
  /** `app/<name>/<id>`, the ALB's `loadBalancerFullName`. */
  readonly loadBalancerFullName: string;
  /** `targetgroup/<name>/<id>` of each target group behind the listener. */
  readonly targetGroupFullNames: readonly string[];
  readonly autoScalingGroupName: string;
  /** The Aurora cluster identifier. */
  readonly clusterIdentifier: string;
  readonly replicationGroupId: string;
  /** Primary plus replicas; ElastiCache reports per node cluster `<replicationGroupId>-00N`. */
  readonly cacheNodeCount: number;
}

export const PERIOD = Duration.minutes(1);

const metric = (
  namespace: string,
  metricName: string,
  statistic: string,
  dimensionsMap: Record<string, string>,
) => new Metric({ namespace, metricName, statistic, dimensionsMap, period: PERIOD });

export const alb = (lb: string, metricName: string, statistic = 'Sum') =>
  metric('AWS/ApplicationELB', metricName, statistic, { LoadBalancer: lb });

export const targetGroup = (lb: string, tg: string, metricName: string, statistic = 'Maximum') =>
  metric('AWS/ApplicationELB', metricName, statistic, { LoadBalancer: lb, TargetGroup: tg });

/**
 * 5xx answers (the ALB's own and the targets') as a percentage of requests. RequestCount leaves
 * out requests the ALB answered before choosing a target (a 503 from an empty target group), so
 * the ALB's 5xx are added to the denominator: an outage with no targets reads 100%, not 0%.
 */
export function alb5xxRate(lb: string): MathExpression {
  return new MathExpression({
    // The counts are absent, not zero, in a minute without them: FILL keeps the ratio defined.
    expression:
      'IF(FILL(requests, 0) + FILL(elb5xx, 0) > 0, 100 * (FILL(elb5xx, 0) + FILL(target5xx, 0)) / (FILL(requests, 0) + FILL(elb5xx, 0)), 0)',
    usingMetrics: {
      requests: alb(lb, 'RequestCount'),
      elb5xx: alb(lb, 'HTTPCode_ELB_5XX_Count'),
      target5xx: alb(lb, 'HTTPCode_Target_5XX_Count'),
    },
    label: '5xx rate (%)',
    period: PERIOD,
  });
}

/** Target response time in seconds, as CloudWatch reports it. */
export const targetResponseTime = (lb: string, percentile: 'p50' | 'p95' | 'p99') =>
  alb(lb, 'TargetResponseTime', percentile);

export const asg = (name: string, metricName: string, statistic = 'Average') =>
  metric('AWS/AutoScaling', metricName, statistic, { AutoScalingGroupName: name });

export const asgCpu = (name: string) =>
  metric('AWS/EC2', 'CPUUtilization', 'Average', { AutoScalingGroupName: name });

/** Published by the CloudWatch agent when it aggregates on `AutoScalingGroupName`. */
export const asgMemory = (name: string) =>
  metric('CWAgent', 'mem_used_percent', 'Average', { AutoScalingGroupName: name });

/** Aggregated over the cluster's instances; pick the statistic that shows the worst one. */
export const aurora = (clusterIdentifier: string, metricName: string, statistic: string) =>
  metric('AWS/RDS', metricName, statistic, { DBClusterIdentifier: clusterIdentifier });

/**
 * The worst node of the replication group. ElastiCache reports per node cluster and alarms
 * cannot SEARCH, so the member ids are spelled out and combined with MAX: the figure follows
 * the primary across failovers without one alarm per node.
 */
export function redisWorstNode(
  replicationGroupId: string,
  nodeCount: number,
  metricName: string,
  statistic: string,
): MathExpression {
  if (!Number.isInteger(nodeCount) || nodeCount < 1 || nodeCount > 10) {
    throw new Error(`cacheNodeCount must be an integer from 1 to 10, got ${nodeCount}.`);
  }
  // Ids carry the metric name so two of these can share a dashboard graph.
  const usingMetrics: Record<string, IMetric> = {};
  for (let i = 1; i <= nodeCount; i++) {
    usingMetrics[`n_${metricName}_${i}`] = metric('AWS/ElastiCache', metricName, statistic, {
      CacheClusterId: `${replicationGroupId}-${String(i).padStart(3, '0')}`,
    });
  }
  return new MathExpression({
    expression: `MAX([${Object.keys(usingMetrics).join(', ')}])`,
    usingMetrics,
    label: `${metricName} (worst node)`,
    period: PERIOD,
  });
}

/**
 * The default `max_connections` of an Aurora PostgreSQL instance class (see
 * `auroraDefaultMaxConnections`, which the configuration schema checks the class against).
 * @throws for a class whose memory is not known here: pass `maxConnections` explicitly then.
 */
export function auroraPostgresMaxConnections(instanceClass: string): number {
  const maxConnections = auroraDefaultMaxConnections(instanceClass);
  if (maxConnections === undefined) {
    throw new Error(
      `The default max_connections of instance class "${instanceClass}" is not known; pass maxConnections explicitly.`,
    );
  }
  return maxConnections;
}
