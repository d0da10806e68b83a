import { join } from 'node:path';
import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import type { Alarm, IAlarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { type IEventBus, Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { Component } from '../../functions/core/failover/types';
import type { FailoverSettings } from '../../functions/shared/config';
import type { SeverityTopics } from '../observability/alert-topics';
import { ControlFunction } from './control-function';
import { failoverEnvironment, failoverTimeout } from './failover-environment';
import { grantPublish, grantTableItems } from './grants';

/** The health engine's EventBridge source and detail type (functions/handlers/failover/events.ts). */
export const HEALTH_EVENT_SOURCE = 'misybot.ha.health';
export const HEALTH_EVENT_DETAIL_TYPE = 'Component Health Changed';

/** An alarm whose ALARM state asks the failover engine to look at a component at once. */
export interface ComponentAlarm {
  readonly component: Component;
  readonly alarm: IAlarm;
}

export interface FailoverControlProps {
  /** The control plane's state table: failover state, leases, event records, incidents. */
  readonly stateTable: ITable;
  readonly topics: SeverityTopics;
  /** The Route 53 health check of the PRIMARY failover record. @default - no DNS component */
  readonly healthCheckId?: string;
  /** The Aurora cluster whose writer fails over. */
  readonly clusterIdentifier: string;
  /** The ElastiCache replication group whose primary fails over (drills). */
  readonly replicationGroupId: string;
  /** The platform config's `failover` slice. */
  readonly settings: FailoverSettings;
  /**
   * Alarms that trigger an immediate look at their component. The engine acts on an alarm only
   * when its own observation finds the primary unhealthy.
   */
  readonly componentAlarms: readonly ComponentAlarm[];
  /**
   * How often every component is observed, so recovery is noticed when no event arrives.
   * @default Schedule.rate(Duration.minutes(1))
   */
  readonly schedule?: Schedule;
  /** Health-engine component → failover component. @default { api: 'dns', database: 'database', cache: 'cache' } */
  readonly healthComponents?: Readonly<Record<string, Component>>;
  /** The bus the health engine publishes to. @default - the account's default event bus */
  readonly eventBus?: IEventBus;
  readonly logRetentionDays: number;
  readonly memorySize: number;
  /** Runs at once: one per component plus operator commands. @default 5 */
  readonly reservedConcurrency?: number;
}

/**
 * The failover function with its triggers: the health engine's verdicts and the given alarms'
 * state changes (EventBridge), a schedule, and direct invocation by the admin API
 * (`grantInvoke`). Its role reaches the one health check, cluster and replication group.
 */
export class FailoverControl extends Construct {
  readonly function: ControlFunction;
  /** Pages (critical topic) whenever an invocation fails: a broken orchestrator is an incident. */
  readonly errorsAlarm: Alarm;
  readonly healthRule?: Rule;
  readonly alarmRule?: Rule;
  readonly scheduleRule: Rule;

  constructor(scope: Construct, id: string, props: FailoverControlProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const environment = failoverEnvironment(stack, props);
    this.function = new ControlFunction(this, 'Function', {
      entry: join(__dirname, '..', '..', 'functions', 'handlers', 'failover', 'index.ts'),
      serviceName: 'failover',
      description: 'MisyBot HA failover: orchestration, recovery detection, manual failover and drills',
      timeout: failoverTimeout(props.settings.actionTimeoutSeconds),
      memorySize: props.memorySize,
      logRetentionDays: props.logRetentionDays,
      // Room for every component's failover at once plus operator commands: the per-component
      // lock in the state table serialises what must be serial, and the reservation keeps a busy
      // account from throttling the function during the incident it is there for.
      reservedConcurrentExecutions: props.reservedConcurrency ?? 5,
      alarms: {
        topics: props.topics,
        severity: 'critical',
        impact: 'failover, recovery detection or drills may not run',
        errorsPeriod: Duration.minutes(1),
      },
      environment: environment.variables,
    });
    this.grantAccess(props);

    const target = new LambdaFunction(this.function, {
      retryAttempts: 2,
      // A verdict older than this has been overtaken by the scheduled observations.
      maxEventAge: Duration.minutes(10),
      deadLetterQueue: this.function.failureQueue,
    });
    const mapped = Object.keys(environment.componentMap);
    if (mapped.length > 0) {
      this.healthRule = new Rule(this, 'HealthVerdicts', {
        description: 'Component health verdicts of the health engine → failover',
        eventBus: props.eventBus,
        eventPattern: {
          source: [HEALTH_EVENT_SOURCE],
          detailType: [HEALTH_EVENT_DETAIL_TYPE],
          detail: { component: mapped },
        },
        targets: [target],
      });
    }
    if (props.componentAlarms.length > 0) {
      this.alarmRule = new Rule(this, 'AlarmStateChanges', {
        description: 'ALARM state of the alarms that report on a failover component → failover',
        eventPattern: {
          source: ['aws.cloudwatch'],
          detailType: ['CloudWatch Alarm State Change'],
          resources: props.componentAlarms.map((entry) => entry.alarm.alarmArn),
          detail: { state: { value: ['ALARM'] } },
        },
        targets: [target],
      });
    }
    this.scheduleRule = new Rule(this, 'Schedule', {
      description: 'Observes every failover component, so recovery is detected without events',
      schedule: props.schedule ?? Schedule.rate(Duration.minutes(1)),
      targets: [target],
    });

    this.errorsAlarm = this.function.alarms.errors;
  }

  private grantAccess(props: FailoverControlProps): void {
    const fn = this.function;
    const stack = Stack.of(this);
    if (props.healthCheckId) {
      fn.addToRolePolicy(
        new PolicyStatement({
          actions: ['route53:GetHealthCheck', 'route53:GetHealthCheckStatus', 'route53:UpdateHealthCheck'],
          resources: [`arn:${stack.partition}:route53:::healthcheck/${props.healthCheckId}`],
        }),
      );
    }
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['rds:FailoverDBCluster', 'rds:DescribeDBClusters'],
        resources: [
          stack.formatArn({
            service: 'rds',
            resource: 'cluster',
            resourceName: props.clusterIdentifier,
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        ],
      }),
    );
    const instances = stack.formatArn({
      service: 'rds',
      resource: 'db',
      resourceName: '*',
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    fn.addToRolePolicy(new PolicyStatement({ actions: ['rds:DescribeDBInstances'], resources: [instances] }));
    fn.addToRolePolicy(
      new PolicyStatement({
        // The ElastiCache permissions reference lists the replication group as TestFailover's only resource.
        actions: ['elasticache:TestFailover', 'elasticache:DescribeReplicationGroups'],
        resources: [
          stack.formatArn({
            service: 'elasticache',
            resource: 'replicationgroup',
            resourceName: props.replicationGroupId,
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        ],
      }),
    );
    fn.addToRolePolicy(new PolicyStatement({ actions: ['cloudwatch:GetMetricData'], resources: ['*'] }));
    // Get (state, event records), Put (state, lease, event records, incident), Update (an event
    // record completed) and Delete (lease and event record released): nothing else.
    grantTableItems(fn, props.stateTable, [
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:DeleteItem',
    ]);
    grantPublish(fn, [
      props.topics.topic('critical'),
      props.topics.topic('warning'),
      props.topics.topic('info'),
    ]);
  }
}
