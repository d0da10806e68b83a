import * as path from 'node:path';
import { CfnResource, Duration, Stack, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IVpc } from 'aws-cdk-lib/aws-ec2';
import { EventBus, Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { LambdaSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { toHealthCheckFile } from '../../functions/core/health/config-file';
import type { HealthCheckConfig } from '../../functions/core/health/health-config';
import { invocationTimeoutMs } from '../../functions/core/health/rounds';
import { ratePeriodMs } from '../../functions/shared/config/limits';
import { type ChatChannels, SEVERITIES, type SeverityTopics } from '../observability/alert-topics';
import { HealthAlarms } from '../observability/health-alarms';
import { ControlFunction } from './control-function';
import { grantPublish, grantTableItems } from './grants';
import { healthCheckPermissions, validateHealthChecks } from './health-permissions';

const HANDLERS = path.join(__dirname, '..', '..', 'functions', 'handlers');
/** The health function's Powertools service name (the `service` dimension of its metrics). */
export const HEALTH_SERVICE_NAME = 'health-check';

export interface HealthControlProps {
  readonly stateTable: ITable;
  readonly topics: SeverityTopics;
  /** Slack and Teams channels: a formatter function posts each of their topics' messages. @default none */
  readonly chatChannels?: ChatChannels;
  /** The checks (see `platformHealthChecks`); values may be tokens, ids and structure may not. */
  readonly checks: HealthCheckConfig;
  /** @default Schedule.rate(Duration.minutes(1)) */
  readonly schedule?: Schedule;
  /** Rounds per invocation (1-12). @default 6 */
  readonly rounds?: number;
  /** Time between round starts; at least the longest check timeout. @default Duration.seconds(10) */
  readonly roundInterval?: Duration;
  readonly logRetentionDays: number;
  readonly memorySize: number;
  /** Labels on every alert, e.g. `{ platform: 'misybot', stage: 'prod' }`. @default none */
  readonly labels?: Readonly<Record<string, string>>;
  /** Runs at once, at least 2 (see above). @default 3 */
  readonly reservedConcurrency?: number;
  /** Nodes of the checked replication group, so its policy names each node. @default any node */
  readonly cacheNodeCount?: number;
  /**
   * Only for TCP checks of private endpoints. The default checks reach the ALB publicly, as users
   * do, and call AWS APIs, so outside a VPC they need neither NAT nor VPC endpoints.
   * @default not in a VPC
   */
  readonly vpc?: IVpc;
}

/**
 * The health-check function on its schedule, with IAM scoped to what its checks read; the
 * Slack/Teams formatter subscribed to the alert topics that have chat channels; and the alarms
 * on the health metrics.
 *
 * Timing: the run scheduled at S checks the next period on wall-clock ticks, so its timeout is
 * the period plus `rounds × interval` plus the planner's reserve, and two runs are alive at once
 * (one waiting for its period, one checking); their rounds never overlap. The reserved
 * concurrency (3 by default) is those two plus one late delivery: it keeps the checks running when
 * the account's other functions use up its concurrency, and never throttles the runs the schedule
 * makes. A late overlap costs only extra probes, since every state and incident write is
 * conditional and each event id is claimed once.
 */
export class HealthControl extends Construct {
  readonly healthFunction: ControlFunction;
  readonly formatterFunction?: ControlFunction;
  readonly rule: Rule;
  readonly alarms: HealthAlarms;

  constructor(scope: Construct, id: string, props: HealthControlProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const rounds = props.rounds ?? 6;
    const interval = props.roundInterval ?? Duration.seconds(10);
    const schedule = props.schedule ?? Schedule.rate(Duration.minutes(1));
    validateHealthChecks(props.checks);
    validateSize(stack, props.checks);
    const periodMs = validateTiming(props.checks, rounds, interval, schedule);
    const topicEnv = {
      CRITICAL_TOPIC_ARN: props.topics.topic('critical').topicArn,
      WARNING_TOPIC_ARN: props.topics.topic('warning').topicArn,
      INFO_TOPIC_ARN: props.topics.topic('info').topicArn,
    };

    this.healthFunction = new ControlFunction(this, 'HealthCheck', {
      entry: path.join(HANDLERS, 'health-check', 'index.ts'),
      serviceName: HEALTH_SERVICE_NAME,
      description: 'MisyBot HA health checks: probes, state, incidents, alerts and metrics',
      // The run scheduled at S checks the period after it, [S + P, S + 2P): see core/health/rounds.ts.
      timeout: Duration.millis(
        invocationTimeoutMs(
          periodMs ?? rounds * interval.toMilliseconds(),
          rounds,
          interval.toMilliseconds(),
        ),
      ),
      memorySize: props.memorySize,
      logRetentionDays: props.logRetentionDays,
      // A failed run is not retried: the next minute's run checks everything again.
      retryAttempts: 0,
      reservedConcurrentExecutions: props.reservedConcurrency ?? 3,
      alarms: {
        topics: props.topics,
        severity: 'warning',
        impact: 'the platform is not being checked',
        errorsPeriod: Duration.minutes(2),
      },
      vpc: props.vpc,
      environment: {
        STATE_TABLE: props.stateTable.tableName,
        ...topicEnv,
        HEALTH_CHECKS: stack.toJsonString(toHealthCheckFile(props.checks)),
        ROUNDS: String(rounds),
        ROUND_INTERVAL_MS: String(interval.toMilliseconds()),
        ...(periodMs === undefined ? {} : { SCHEDULE_PERIOD_MS: String(periodMs) }),
        ...(props.labels ? { ALERT_LABELS: JSON.stringify(props.labels) } : {}),
      },
    });
    const fn = this.healthFunction;
    // The stores: BatchGetItem, Query, conditional PutItem, TransactWriteItems of Puts (which IAM
    // authorises as PutItem). The event records (Powertools Idempotency): Get, conditional Put,
    // Update to complete, Delete to release. No Scan, no index.
    grantTableItems(fn, props.stateTable, [
      'dynamodb:BatchGetItem',
      'dynamodb:GetItem',
      'dynamodb:Query',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:DeleteItem',
      'dynamodb:ConditionCheckItem',
    ]);
    grantPublish(
      fn,
      SEVERITIES.map((severity) => props.topics.topic(severity)),
    );
    EventBus.fromEventBusName(this, 'DefaultBus', 'default').grantPutEventsTo(fn);
    const permissions = healthCheckPermissions(stack, props.checks, { cacheNodeCount: props.cacheNodeCount });
    for (const permission of permissions) fn.addToRolePolicy(permission.statement);
    this.rule = new Rule(this, 'Schedule', {
      description: 'Runs the MisyBot HA health checks',
      schedule,
      targets: [
        new LambdaFunction(fn, {
          retryAttempts: 2,
          maxEventAge: Duration.minutes(1),
          deadLetterQueue: fn.failureQueue,
        }),
      ],
    });
    acknowledge(
      fn,
      permissions.flatMap((p) => p.acknowledgements),
    );

    const webhooks = props.chatChannels?.webhookSubscriptions ?? [];
    if (props.chatChannels && webhooks.length > 0) {
      const { deliveryFailures } = props.chatChannels;
      const secrets = webhooks.map((hook, i) =>
        Secret.fromSecretNameV2(this, `WebhookSecret${i + 1}`, hook.webhookSecretName),
      );
      const formatter = new ControlFunction(this, 'AlertFormatter', {
        entry: path.join(HANDLERS, 'alert-formatter', 'index.ts'),
        serviceName: 'alert-formatter',
        description: 'MisyBot HA: posts alert-topic messages to Slack and Microsoft Teams',
        // postWebhook's worst case: 4 attempts of 5 s plus three waits capped at 20 s.
        timeout: Duration.seconds(90),
        memorySize: props.memorySize,
        logRetentionDays: props.logRetentionDays,
        reservedConcurrentExecutions: 2,
        alarms: {
          topics: props.topics,
          severity: 'warning',
          impact: 'Slack/Teams messages may be late or lost',
        },
        environment: {
          ...topicEnv,
          STATE_TABLE: props.stateTable.tableName,
          WEBHOOKS: stack.toJsonString(
            webhooks.map((hook, i) => ({
              severity: hook.severity,
              protocol: hook.protocol,
              secretArn: secrets[i]!.secretArn,
            })),
          ),
        },
      });
      for (const secret of secrets) secret.grantRead(formatter);
      // One event record per message and channel (Powertools Idempotency); items only.
      grantTableItems(formatter, props.stateTable, [
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:DeleteItem',
      ]);
      // Only topics with a chat channel: the others would invoke it for nothing.
      for (const severity of new Set(webhooks.map((hook) => hook.severity))) {
        props.topics
          .topic(severity)
          .addSubscription(new LambdaSubscription(formatter, { deadLetterQueue: deliveryFailures }));
      }
      this.formatterFunction = formatter;
    }

    this.alarms = new HealthAlarms(this, 'Alarms', {
      topics: props.topics,
      serviceName: HEALTH_SERVICE_NAME,
      componentIds: props.checks.components.map((c) => c.id),
      checkIds: props.checks.checks.map((c) => c.id),
    });
  }
}

// Lambda allows 4 KB of environment in all; the other variables take about 700 bytes once resolved.
const MAX_CHECKS_BYTES = 3300;
/** The longest a deploy-time name can be: generated names are bounded by their service. */
const NAME_BYTES: Readonly<Record<string, number>> = {
  'AWS::RDS::DBCluster': 63,
  'AWS::ElastiCache::ReplicationGroup': 40,
  'AWS::Lambda::Function': 64,
};
/** Anything else (an ARN, a DNS name) is counted at a typical ARN's length. */
const TOKEN_BYTES = 120;

/** Deploy-time values are counted at their longest name, or at a typical ARN's length. */
function validateSize(stack: Stack, checks: HealthCheckConfig): void {
  const json = JSON.stringify(toHealthCheckFile(checks));
  const tokens = json.match(/\$\{Token\[[^\]]+\]\}/g) ?? [];
  const typeOf = resourceTypes(stack);
  const bytes = (token: string) => {
    const resolved = stack.resolve(token) as { Ref?: string };
    return (resolved.Ref && NAME_BYTES[typeOf.get(resolved.Ref) ?? '']) || TOKEN_BYTES;
  };
  const estimate = tokens.reduce(
    (size, token) => size - token.length + bytes(token),
    Buffer.byteLength(json),
  );
  if (estimate > MAX_CHECKS_BYTES) {
    throw new Error(
      `The health checks would take about ${estimate} bytes of HEALTH_CHECKS; Lambda allows 4 KB of environment in all. Declare fewer checks or shorter descriptions.`,
    );
  }
}

/** Logical id → CloudFormation type of every resource of the stack. */
function resourceTypes(stack: Stack): Map<string, string> {
  return new Map(
    stack.node
      .findAll()
      .filter(CfnResource.isCfnResource)
      .map((resource) => [stack.resolve(resource.logicalId) as string, resource.cfnResourceType]),
  );
}

/** Validates the rounds against the checks and the schedule; returns a `rate` schedule's period. */
function validateTiming(
  checks: HealthCheckConfig,
  rounds: number,
  interval: Duration,
  schedule: Schedule,
): number | undefined {
  if (!Number.isInteger(rounds) || rounds < 1 || rounds > 12) {
    throw new Error(`rounds must be an integer from 1 to 12, got ${rounds}.`);
  }
  const intervalMs = interval.toMilliseconds();
  if (intervalMs < 1000 || intervalMs > 60_000) {
    throw new Error(`roundInterval must be 1 to 60 seconds, got ${interval.toHumanString()}.`);
  }
  const longest = Math.max(...checks.checks.map((check) => check.timeoutMs));
  if (rounds > 1 && intervalMs < longest) {
    throw new Error(
      `roundInterval (${intervalMs} ms) must be at least the longest check timeout (${longest} ms), or later rounds are dropped.`,
    );
  }
  const periodMs = ratePeriodMs(schedule.expressionString);
  if (periodMs !== undefined) {
    if (rounds * intervalMs > periodMs) {
      throw new Error(
        `rounds × roundInterval (${rounds * intervalMs} ms) must fit in the schedule's period (${periodMs} ms), or invocations overlap.`,
      );
    }
    return periodMs;
  }
  return undefined;
}

/** Acknowledges each finding once on the function's role, reasons for one finding joined (ControlFunction covers its own). */
function acknowledge(fn: ControlFunction, acknowledgements: readonly { id: string; reason: string }[]): void {
  const reasons = new Map<string, string[]>();
  for (const ack of acknowledgements) reasons.set(ack.id, [...(reasons.get(ack.id) ?? []), ack.reason]);
  for (const [id, list] of reasons)
    Validations.of(fn.role!).acknowledge({ id, reason: [...new Set(list)].join(' ') });
}
