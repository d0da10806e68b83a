import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDbAuditLog } from '../../adapters/aws/admin/audit-log';
import { CloudWatchCacheStats } from '../../adapters/aws/admin/cache-stats';
import {
  LambdaCacheInvalidator,
  LambdaFailoverCommander,
  LambdaQueryAnalyzer,
  LambdaScalingEvaluator,
} from '../../adapters/aws/admin/control-functions';
import { DynamoDbFailoverReadModel } from '../../adapters/aws/admin/failover-read-model';
import { DynamoDbAdminReadModel } from '../../adapters/aws/admin/health-read-model';
import { ElbLoadBalancerBackend } from '../../adapters/aws/admin/load-balancer-backend';
import { DynamoDbQueryReports } from '../../adapters/aws/admin/query-reports';
import { LambdaRegionCommander } from '../../adapters/aws/admin/region-commander';
import { AwsScalingBackend } from '../../adapters/aws/admin/scaling-backend';
import { DynamoDbAlertRules } from '../../adapters/aws/alert-rules-store';
import { DynamoDbCheckStateStore } from '../../adapters/aws/check-state-store';
import { DynamoDbLock } from '../../adapters/aws/dynamodb-coordination';
import { DynamoDbFailoverStore } from '../../adapters/aws/failover/dynamodb-failover-store';
import { DynamoDbIncidentStore } from '../../adapters/aws/incident-store';
import { PowertoolsIdempotency } from '../../adapters/aws/powertools-idempotency';
import { DynamoDbRegionStore } from '../../adapters/aws/region/dynamodb-region-store';
import { DynamoDbScalingStateStore } from '../../adapters/aws/scaling/scaling-state-store';
import type { AuditEntry, RegionCommander } from '../../core/admin/ports';
import { type AdminDeps, adminSettingsSchema } from '../../core/admin/settings';
import { formatConfigIssues } from '../../shared/config/issues';
import * as z from '../../shared/config/zod';
import { readEnv } from '../../shared/env';
import { ConfigError } from '../../shared/errors';

/** Environment variable names the AdminApi construct sets. */
export const ENV = {
  table: 'TABLE_NAME',
  settings: 'ADMIN_SETTINGS',
  listener: 'LISTENER_ARN',
  targetGroups: 'TARGET_GROUPS',
  cluster: 'CLUSTER_IDENTIFIER',
  scalingFunction: 'SCALING_FUNCTION',
  failoverFunction: 'FAILOVER_FUNCTION',
  slowQueryFunction: 'SLOW_QUERY_FUNCTION',
  cacheWorker: 'CACHE_WORKER_FUNCTION',
  cacheMetricNamespace: 'CACHE_METRIC_NAMESPACE',
  regionFunction: 'REGION_FUNCTION_ARN',
} as const;

const REGION_FUNCTION_ARN =
  /^arn:aws[a-z-]*:lambda:([a-z]{2}(?:-gov)?-[a-z]+-\d):\d{12}:function:[A-Za-z0-9_-]{1,64}$/;

/**
 * The region failover function lives in the standby region: the API calls it with a client of
 * that region (an ARN alone does not route the call). The ARN is checked in the cold start; the
 * client, a second Lambda client that only the two region routes use, is built with the first
 * of them, once per container, rather than in every cold start.
 */
function regionCommander(arn: string): RegionCommander {
  const region = REGION_FUNCTION_ARN.exec(arn)?.[1];
  if (!region)
    throw new ConfigError('Lambda environment', [
      `${ENV.regionFunction}: must be a Lambda function ARN in the standby region, got ${JSON.stringify(arn.slice(0, 120))}`,
    ]);
  let commander: LambdaRegionCommander | undefined;
  const built = () => {
    // The function observes two regions before it answers; the API must answer within its 28 s.
    commander ??= new LambdaRegionCommander(
      new LambdaClient({ region, requestHandler: { requestTimeout: 20_000 } }),
      arn,
    );
    return commander;
  };
  return {
    status: (requestId) => built().status(requestId),
    run: (command) => built().run(command),
    dispatch: (command) => built().dispatch(command),
  };
}

const targetGroupsSchema = z
  .array(z.strictObject({ name: z.string().check(z.minLength(1)), arn: z.string().check(z.minLength(1)) }))
  .check(z.minLength(1));

function json<T>(schema: z.ZodMiniType<T>, name: string, text: string): T {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new ConfigError('Lambda environment', [`${name}: must be JSON`], { cause });
  }
  const result = schema.safeParse(value);
  if (!result.success)
    throw new ConfigError(
      'Lambda environment',
      formatConfigIssues(result.error.issues, value).map((p) => `${name}.${p}`),
      { cause: result.error },
    );
  return result.data;
}

/** The SDK clients, built once per container. */
export function createClients() {
  const dynamodb = new DynamoDBClient({});
  const documentClient = DynamoDBDocumentClient.from(dynamodb, {
    marshallOptions: { removeUndefinedValues: true },
  });
  return {
    documentClient,
    dynamodb,
    lambda: new LambdaClient({}),
    elbv2: new ElasticLoadBalancingV2Client({}),
    autoScaling: new AutoScalingClient({}),
    cloudwatch: new CloudWatchClient({}),
  };
}

/**
 * Wires the admin API's ports to the real stores and clients. The optional control functions
 * are wired only when their names are set; their routes answer 503 otherwise.
 * @throws {ConfigError} naming the variable when the environment is incomplete or malformed.
 */
export function createAdminDeps(
  env: NodeJS.ProcessEnv,
  clients: ReturnType<typeof createClients>,
  onAuditError: (error: unknown, entry: AuditEntry) => void,
  onLockReleaseError: (error: unknown, lease: string) => void,
): AdminDeps {
  const required = readEnv([ENV.table, ENV.settings, ENV.listener, ENV.targetGroups, ENV.cluster], env);
  const table = required[ENV.table];
  const targetGroups = json(targetGroupsSchema, ENV.targetGroups, required[ENV.targetGroups]);
  const settings = json(adminSettingsSchema, ENV.settings, required[ENV.settings]);
  const { documentClient: db, lambda } = clients;
  const optional = (name: string) => (env[name] ? env[name] : undefined);
  const scalingFunction = optional(ENV.scalingFunction);
  const failoverFunction = optional(ENV.failoverFunction);
  const slowQueryFunction = optional(ENV.slowQueryFunction);
  const cacheWorker = optional(ENV.cacheWorker);
  const regionFunction = optional(ENV.regionFunction);
  return {
    settings,
    clock: Date.now,
    onAuditError,
    onLockReleaseError,
    lock: new DynamoDbLock(db, table),
    audit: new DynamoDbAuditLog(db, table),
    // `Idempotency-Key`s, scoped to the caller, refused for another request, kept a day.
    idempotency: new PowertoolsIdempotency(clients.dynamodb, table, {
      scope: 'admin-api',
      retentionSeconds: 86_400,
      validateFingerprint: true,
    }),
    readModel: new DynamoDbAdminReadModel(db, table, {
      checkStates: new DynamoDbCheckStateStore(db, table),
      incidents: new DynamoDbIncidentStore(db, table),
      alertRules: new DynamoDbAlertRules(db, table),
    }),
    silences: new DynamoDbAlertRules(db, table),
    failover: new DynamoDbFailoverReadModel(db, table, new DynamoDbFailoverStore(db, table)),
    scaling: new AwsScalingBackend(clients.autoScaling, db, table, new DynamoDbScalingStateStore(db, table)),
    loadBalancer: new ElbLoadBalancerBackend(clients.elbv2, required[ENV.listener], targetGroups),
    queryReports: new DynamoDbQueryReports(db, table, required[ENV.cluster]),
    cacheStats: new CloudWatchCacheStats(clients.cloudwatch, optional(ENV.cacheMetricNamespace)),
    ...(scalingFunction ? { scalingEvaluator: new LambdaScalingEvaluator(lambda, scalingFunction) } : {}),
    ...(failoverFunction ? { failoverCommander: new LambdaFailoverCommander(lambda, failoverFunction) } : {}),
    ...(slowQueryFunction ? { queryAnalyzer: new LambdaQueryAnalyzer(lambda, slowQueryFunction) } : {}),
    ...(cacheWorker ? { cacheInvalidator: new LambdaCacheInvalidator(lambda, cacheWorker) } : {}),
    ...(regionFunction
      ? {
          regions: {
            commander: regionCommander(regionFunction),
            // The state table's replica here holds what the standby region's function writes.
            state: { state: () => new DynamoDbRegionStore(db, table).load() },
          },
        }
      : {}),
  };
}
