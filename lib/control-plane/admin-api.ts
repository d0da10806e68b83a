import { join } from 'node:path';
import { Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import {
  AuthorizationType,
  EndpointType,
  JsonSchemaType,
  LambdaIntegration,
  LogGroupLogDestination,
  MethodLoggingLevel,
  Model,
  RequestValidator,
  RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import type { IAutoScalingGroup } from 'aws-cdk-lib/aws-autoscaling';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IConnectable, IVpc } from 'aws-cdk-lib/aws-ec2';
import { ManagedPolicy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { REGION_TAG } from '../../functions/core/admin/region-routes';
import { type RouteSpec, routeList } from '../../functions/core/admin/routes';
import { type AdminSettingsInput, DEFAULT_FAILOVER_COMPONENTS } from '../../functions/core/admin/settings';
import type { Component } from '../../functions/core/failover/types';
import type { HealthCheckConfig } from '../../functions/core/health/health-config';
import type { SeverityTopics } from '../observability/alert-topics';
import type { PlatformWebAcl } from '../platform/web-acl';
import { ACCESS_LOG_FORMAT, addProblemResponses } from './admin-api-gateway';
import { acknowledgeAdminFindings, grantAdminFunction } from './admin-api-permissions';
import { ControlFunction } from './control-function';

const FUNCTIONS = join(__dirname, '..', '..', 'functions', 'handlers');

/** The Redis the cache worker reaches for namespace invalidation. */
export interface AdminCacheAccess {
  readonly vpc: IVpc;
  readonly host: string;
  readonly port: number;
  readonly authSecret: ISecret;
  /** Opens the cache's security group to the worker (PlatformCache.allowFrom). */
  allowFrom(peer: IConnectable, description?: string): void;
  /** The key prefix the platform's services give the cache library. @default '' */
  readonly keyPrefix?: string;
}

export interface AdminApiProps {
  readonly stateTable: ITable;
  /** The fleet's group: capacity reads and changes are scoped to it. */
  readonly autoScalingGroup: IAutoScalingGroup;
  /** The ALB listener whose forward action holds the weights, and its target groups by config name. */
  readonly loadBalancer: {
    readonly listenerArn: string;
    readonly targetGroups: readonly { name: string; arn: string }[];
  };
  /** The Aurora cluster whose slow-query reports the API shows. */
  readonly clusterIdentifier: string;
  /** The health-check config (the one HealthControl runs): the API lists its components and checks. @default none */
  readonly healthChecks?: HealthCheckConfig;
  /** Components whose failover the failover function manages. @default DEFAULT_FAILOVER_COMPONENTS (all but dns) */
  readonly failoverComponents?: readonly Component[];
  /** Control functions the API drives; a missing one makes its routes answer 503 "not deployed". */
  readonly scalingFunction?: IFunction;
  readonly failoverFunction?: IFunction;
  readonly slowQueryFunction?: IFunction;
  /**
   * The region failover function in the standby region (with `regions`): the region routes are
   * deployed only with it, and the API may invoke it and nothing else of that region.
   * @default no region routes
   */
  readonly regionFailoverFunctionArn?: string;
  /** Where Redis is; left out, no cache worker is deployed and invalidation answers 503. */
  readonly cache?: AdminCacheAccess;
  readonly logRetentionDays: number;
  /** @default 512 */
  readonly memorySize?: number;
  /** Its warning topic receives the alarms on the API's functions (errors, throttles, failed events). */
  readonly topics: SeverityTopics;
  /** Requests the admin function serves at once, kept for operators during an incident. @default 5 */
  readonly reservedConcurrency?: number;
  /** Stage-wide throttling, requests per second and burst. */
  readonly throttle: { readonly rateLimit: number; readonly burstLimit: number };
  /** A WAFv2 web ACL (REGIONAL) to associate with the stage. @default none */
  readonly webAclArn?: string;
  /** The platform's web ACL, to put in front of the stage (instead of `webAclArn`). @default none */
  readonly webAcl?: PlatformWebAcl;
  /** @default 'v1' */
  readonly stageName?: string;
  /**
   * API Gateway logs to CloudWatch (access and execution logs) through one role per account and
   * region (`AWS::ApiGateway::Account`). Left false, that role must already be set in the
   * account (a landing zone usually does it); true creates it here, replacing any other.
   * @default false
   */
  readonly manageAccountLoggingRole?: boolean;
}

/**
 * The admin API: a regional REST API whose every method requires IAM (SigV4) authorisation,
 * with one explicit resource per route of the catalogue (so each method carries its request
 * validator and appears in the read-only or operator policy), stage throttling, JSON access logs,
 * execution logs at ERROR, X-Ray, optional WAF, and API Gateway's own refusals answered as
 * problem documents. One Lambda serves every route; an optional cache worker in the VPC does the
 * one thing that needs Redis.
 */
export class AdminApi extends Construct {
  readonly api: RestApi;
  readonly function: ControlFunction;
  readonly cacheWorker?: ControlFunction;
  readonly accessLogs: LogGroup;
  /** `execute-api:Invoke` on every GET: for people who look. */
  readonly readOnlyPolicy: ManagedPolicy;
  /** `execute-api:Invoke` on every method: for people who operate. */
  readonly operatorPolicy: ManagedPolicy;
  readonly url: string;
  readonly props: AdminApiProps;
  /** The `execute-api:Invoke` resources of each policy. */
  readonly readOnlyArns: readonly string[];
  readonly operatorArns: readonly string[];

  constructor(scope: Construct, id: string, props: AdminApiProps) {
    super(scope, id);
    validate(props);
    this.props = props;
    const stageName = props.stageName ?? 'v1';
    this.cacheWorker = props.cache ? this.createCacheWorker(props, props.cache) : undefined;
    this.function = new ControlFunction(this, 'Function', {
      entry: join(FUNCTIONS, 'admin-api', 'index.ts'),
      serviceName: 'admin-api',
      description: 'MisyBot HA admin API',
      // API Gateway gives up after 29 s; the function must finish (and audit) before that.
      timeout: Duration.seconds(28),
      memorySize: props.memorySize ?? 512,
      logRetentionDays: props.logRetentionDays,
      retryAttempts: 0,
      reservedConcurrentExecutions: props.reservedConcurrency ?? 5,
      alarms: {
        topics: props.topics,
        severity: 'warning',
        impact: 'operators get errors from the admin API',
      },
      environment: this.environment(props),
    });
    grantAdminFunction(this.function, props, this.cacheWorker);

    this.accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.logRetentionDays as RetentionDays,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.api = new RestApi(this, 'Api', {
      description: 'MisyBot HA admin API (IAM auth)',
      endpointConfiguration: { types: [EndpointType.REGIONAL] },
      cloudWatchRole: props.manageAccountLoggingRole ?? false,
      ...(props.manageAccountLoggingRole ? { cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN } : {}),
      defaultMethodOptions: { authorizationType: AuthorizationType.IAM },
      deployOptions: {
        stageName,
        throttlingRateLimit: props.throttle.rateLimit,
        throttlingBurstLimit: props.throttle.burstLimit,
        tracingEnabled: true,
        metricsEnabled: true,
        loggingLevel: MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        accessLogDestination: new LogGroupLogDestination(this.accessLogs),
        accessLogFormat: ACCESS_LOG_FORMAT,
      },
    });
    this.addRoutes();
    addProblemResponses(this.api);
    this.url = this.api.url;

    // Method-wide: every GET is a read and every other method a change (checked in validate).
    this.readOnlyArns = [this.api.arnForExecuteApi('GET', '/*', stageName)];
    this.operatorArns = [this.api.arnForExecuteApi('*', '/*', stageName)];
    const policy = (name: string, description: string, resources: readonly string[]) =>
      new ManagedPolicy(this, name, {
        description,
        statements: [new PolicyStatement({ actions: ['execute-api:Invoke'], resources: [...resources] })],
      });
    this.readOnlyPolicy = policy(
      'ReadOnlyPolicy',
      'MisyBot HA admin API: every GET (status, health, reports)',
      this.readOnlyArns,
    );
    this.operatorPolicy = policy(
      'OperatorPolicy',
      'MisyBot HA admin API: every method, changes included',
      this.operatorArns,
    );

    if (props.webAclArn) {
      new CfnWebACLAssociation(this, 'WebAcl', {
        resourceArn: this.api.deploymentStage.stageArn,
        webAclArn: props.webAclArn,
      });
    }
    props.webAcl?.associate('AdminApiWebAcl', this.api.deploymentStage.stageArn);
    acknowledgeAdminFindings(this, Boolean(props.webAclArn ?? props.webAcl));
  }

  private addRoutes(): void {
    const integration = new LambdaIntegration(this.function, { allowTestInvoke: false });
    const validator = new RequestValidator(this, 'Validator', {
      restApi: this.api,
      validateRequestBody: true,
      validateRequestParameters: true,
    });
    // The gateway checks the shape cheaply (a JSON object); the function checks every field.
    const jsonObject = new Model(this, 'JsonObject', {
      restApi: this.api,
      contentType: 'application/json',
      schema: { type: JsonSchemaType.OBJECT },
    });
    for (const route of deployedRoutes(this.props)) {
      const parameters = [...route.path.matchAll(/\{([^}]+)\}/g)].map((m) => `method.request.path.${m[1]}`);
      if (route.method === 'DELETE') parameters.push('method.request.querystring.reason');
      this.api.root.resourceForPath(route.path).addMethod(route.method, integration, {
        authorizationType: AuthorizationType.IAM,
        operationName: route.id,
        requestValidator: validator,
        requestParameters: Object.fromEntries(parameters.map((name) => [name, true])),
        ...(route.body ? { requestModels: { 'application/json': jsonObject } } : {}),
      });
    }
  }

  private environment(props: AdminApiProps): Record<string, string> {
    const stack = Stack.of(this);
    const settings: AdminSettingsInput = {
      health: {
        components: (props.healthChecks?.components ?? []).map((c) => ({
          id: c.id,
          dependsOn: [...c.dependsOn],
        })),
        checks: (props.healthChecks?.checks ?? []).map((c) => ({
          id: c.id,
          component: c.component,
          critical: c.critical,
          ...(c.description === undefined ? {} : { description: c.description }),
        })),
      },
      autoScalingGroupName: props.autoScalingGroup.autoScalingGroupName,
      failoverComponents: [...(props.failoverComponents ?? DEFAULT_FAILOVER_COMPONENTS)],
      targetGroupNames: props.loadBalancer.targetGroups.map((group) => group.name),
    };
    return {
      TABLE_NAME: props.stateTable.tableName,
      ADMIN_SETTINGS: stack.toJsonString(settings),
      LISTENER_ARN: props.loadBalancer.listenerArn,
      TARGET_GROUPS: stack.toJsonString(props.loadBalancer.targetGroups),
      CLUSTER_IDENTIFIER: props.clusterIdentifier,
      ...(props.scalingFunction ? { SCALING_FUNCTION: props.scalingFunction.functionName } : {}),
      ...(props.failoverFunction ? { FAILOVER_FUNCTION: props.failoverFunction.functionName } : {}),
      ...(props.slowQueryFunction ? { SLOW_QUERY_FUNCTION: props.slowQueryFunction.functionName } : {}),
      ...(this.cacheWorker ? { CACHE_WORKER_FUNCTION: this.cacheWorker.functionName } : {}),
      ...(props.regionFailoverFunctionArn ? { REGION_FUNCTION_ARN: props.regionFailoverFunctionArn } : {}),
    };
  }

  private createCacheWorker(props: AdminApiProps, cache: AdminCacheAccess): ControlFunction {
    const worker = new ControlFunction(this, 'CacheWorker', {
      entry: join(FUNCTIONS, 'cache-admin', 'index.ts'),
      serviceName: 'cache-admin',
      description: 'MisyBot HA cache worker: namespace invalidation for the admin API',
      timeout: Duration.seconds(15),
      memorySize: 256,
      logRetentionDays: props.logRetentionDays,
      retryAttempts: 0,
      reservedConcurrentExecutions: 2,
      alarms: {
        topics: props.topics,
        severity: 'warning',
        impact: 'cache namespaces cannot be invalidated from the admin API',
      },
      vpc: cache.vpc,
      environment: {
        REDIS_HOST: cache.host,
        REDIS_PORT: String(cache.port),
        REDIS_AUTH_SECRET_ARN: cache.authSecret.secretArn,
        CACHE_KEY_PREFIX: cache.keyPrefix ?? '',
      },
    });
    cache.authSecret.grantRead(worker);
    cache.allowFrom(worker, 'MisyBot HA cache worker');
    return worker;
  }
}

/** The catalogue's routes this deployment has: the region routes only with a standby region. */
function deployedRoutes(props: Pick<AdminApiProps, 'regionFailoverFunctionArn'>): RouteSpec[] {
  return routeList.filter(
    (route) => route.tag !== REGION_TAG || props.regionFailoverFunctionArn !== undefined,
  );
}

function validate(props: AdminApiProps): void {
  const misfiled = routeList.filter((route) => route.mutating === (route.method === 'GET'));
  if (misfiled.length > 0) {
    throw new Error(
      `AdminApi grants GET to readers and every other method to operators, so a GET must not change anything and other methods must; got ${misfiled.map((r) => `${r.method} ${r.path}`).join(', ')}.`,
    );
  }
  const { rateLimit, burstLimit } = props.throttle;
  if (!(rateLimit > 0) || !Number.isInteger(burstLimit) || burstLimit < 1) {
    throw new Error(
      `throttle must have rateLimit > 0 and a whole burstLimit ≥ 1, got ${rateLimit} and ${burstLimit}.`,
    );
  }
  if (props.loadBalancer.targetGroups.length === 0) {
    throw new Error(
      'loadBalancer.targetGroups must name at least one target group (the listener forwards to them).',
    );
  }
  if (props.webAclArn !== undefined && props.webAcl !== undefined) {
    throw new Error('AdminApi takes webAclArn or webAcl, not both: a stage has one web ACL.');
  }
  if (
    props.webAclArn !== undefined &&
    !Token.isUnresolved(props.webAclArn) &&
    !/^arn:aws[a-z-]*:wafv2:[a-z0-9-]+:\d{12}:regional\/webacl\/.+/.test(props.webAclArn)
  ) {
    throw new Error(`webAclArn must be a REGIONAL WAFv2 web ACL ARN, got "${props.webAclArn}".`);
  }
}
