import { isAbsolute } from 'node:path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { ISecurityGroup, IVpc, SubnetSelection } from 'aws-cdk-lib/aws-ec2';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { type ICommandHooks, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { isLogRetentionDays, LOG_RETENTION_DAYS } from '../functions/shared/config/limits';
import { type ControlFunctionAlarmOptions, ControlFunctionAlarms } from './control-function-alarms';
import { VpcFunctionAccess } from './vpc-function-access';

export const METRICS_NAMESPACE = 'MisyBot/HA';
const RESERVED_ENVIRONMENT = [
  'NODE_OPTIONS',
  'POWERTOOLS_SERVICE_NAME',
  'POWERTOOLS_METRICS_NAMESPACE',
  'POWERTOOLS_LOG_LEVEL',
];

export interface ControlFunctionProps {
  /** The handler module, e.g. `functions/handlers/health-check/index.ts`. */
  readonly entry: string;
  /** @default 'handler' */
  readonly handler?: string;
  /** Powertools service name: the `service` key of every log line and metric. */
  readonly serviceName: string;
  readonly description?: string;
  /** Stated per function: a control function's budget is part of its design. */
  readonly timeout: Duration;
  /** MiB; also sets the CPU share. Usually `controlPlane.memoryMiB`. */
  readonly memorySize: number;
  /** A CloudWatch Logs retention (1, 3, 5, 7, 14, 30, 60, 90, ... days); usually `controlPlane.logRetentionDays`. */
  readonly logRetentionDays: number;
  /** @default RemovalPolicy.RETAIN */
  readonly logRemovalPolicy?: RemovalPolicy;
  /** @default 'INFO' */
  readonly logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  /** Extra variables; the Node and Powertools ones above are set here and may not be overridden. */
  readonly environment?: Readonly<Record<string, string>>;
  /** Retries of a failed asynchronous invocation before it goes to the failure queue (0-2). @default 2 */
  readonly retryAttempts?: number;
  /**
   * Concurrency set aside for this function alone, so a busy account cannot throttle the control
   * plane during an incident; the throttles alarm tells when it is too small.
   */
  readonly reservedConcurrentExecutions: number;
  /** Where its errors, throttles and failed events are alarmed, and what a failure stops. */
  readonly alarms: ControlFunctionAlarmOptions;
  /** Only for functions that talk to the database or the cache. @default not in a VPC */
  readonly vpc?: IVpc;
  /** @default the VPC's private subnets */
  readonly vpcSubnets?: SubnetSelection;
  /** @default a new security group */
  readonly securityGroups?: ISecurityGroup[];
  /**
   * Files copied next to the bundle, for modules that read a sibling at run time (libpg-query
   * loads `libpg-query.wasm` from the bundle's directory). Absolute paths.
   * @default none
   */
  readonly bundledFiles?: readonly string[];
}

/**
 * The house Lambda for the control plane: latest Node.js LTS on Graviton, bundled locally by
 * esbuild with the SDK inside (no layer or runtime-SDK drift), source maps on, X-Ray active,
 * Powertools configured, logs kept for a stated time, reserved concurrency, and failed
 * asynchronous invocations (EventBridge, SNS, alarms) kept in an encrypted queue instead of being
 * dropped. Its role starts with no AWS-managed policy: it may write to its own log group (and
 * manage its network interfaces in its own VPC), and each construct grants what its code calls.
 * Errors, throttles and failed events are alarmed.
 */
export class ControlFunction extends NodejsFunction {
  /** Where failed asynchronous invocations land, with the request and the error. */
  readonly failureQueue: Queue;
  readonly functionLogGroup: LogGroup;
  readonly serviceName: string;
  readonly alarms: ControlFunctionAlarms;

  constructor(scope: Construct, id: string, props: ControlFunctionProps) {
    validate(props);
    // The log group and the role are passed to the function, so they are created first, beside it.
    const logGroup = new LogGroup(scope, `${id}LogGroup`, {
      retention: props.logRetentionDays as RetentionDays,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.RETAIN,
    });
    const role = new Role(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `MisyBot HA ${props.serviceName} function`,
    });
    logGroup.grantWrite(role);
    super(scope, id, {
      entry: props.entry,
      handler: props.handler ?? 'handler',
      description: props.description,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      timeout: props.timeout,
      memorySize: props.memorySize,
      tracing: Tracing.ACTIVE,
      logGroup,
      role,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets,
      securityGroups: props.securityGroups,
      environment: {
        ...props.environment,
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: props.serviceName,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        POWERTOOLS_LOG_LEVEL: props.logLevel ?? 'INFO',
      },
      bundling: {
        minify: true,
        sourceMap: true,
        externalModules: [],
        format: OutputFormat.CJS,
        forceDockerBundling: false,
        ...(props.bundledFiles?.length ? { commandHooks: copyAfterBundling(props.bundledFiles) } : {}),
      },
    });
    this.functionLogGroup = logGroup;
    this.serviceName = props.serviceName;
    if (props.vpc) {
      const access = VpcFunctionAccess.of(props.vpc);
      access.grant(role, props.vpc.selectSubnets(props.vpcSubnets).subnets, this.connections.securityGroups);
      // The function resource only: its security group is one of the policy's resources.
      this.node.defaultChild?.node.addDependency(access.policy);
    }
    this.failureQueue = new Queue(this, 'FailureQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // The longest SQS allows: failures are read by people, sometimes after a weekend.
      retentionPeriod: Duration.days(14),
    });
    this.configureAsyncInvoke({
      onFailure: new SqsDestination(this.failureQueue),
      retryAttempts: props.retryAttempts ?? 2,
    });
    this.alarms = new ControlFunctionAlarms(this, 'Alarms', this, props.alarms);
  }
}

function copyAfterBundling(files: readonly string[]): ICommandHooks {
  const quote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;
  return {
    beforeBundling: () => [],
    beforeInstall: () => [],
    afterBundling: (_inputDir, outputDir) => files.map((file) => `cp ${quote(file)} ${quote(outputDir)}/`),
  };
}

function validate(props: ControlFunctionProps): void {
  const relative = props.bundledFiles?.filter((file) => !isAbsolute(file)) ?? [];
  if (relative.length > 0) {
    throw new Error(`bundledFiles must be absolute paths, got ${relative.join(', ')}.`);
  }
  // Never-expire is left out on purpose: every control function states how long its logs live.
  if (!isLogRetentionDays(props.logRetentionDays)) {
    throw new Error(
      `logRetentionDays must be a value CloudWatch Logs accepts (${LOG_RETENTION_DAYS.join(', ')}), got ${props.logRetentionDays}.`,
    );
  }
  const reserved = props.reservedConcurrentExecutions;
  if (!Number.isInteger(reserved) || reserved < 1) {
    throw new Error(`reservedConcurrentExecutions must be a whole number ≥ 1, got ${reserved}.`);
  }
  const retries = props.retryAttempts ?? 2;
  if (!Number.isInteger(retries) || retries < 0 || retries > 2) {
    throw new Error(
      `retryAttempts must be 0, 1 or 2 (Lambda's limit for asynchronous invocations), got ${retries}.`,
    );
  }
  if (!Number.isInteger(props.memorySize) || props.memorySize < 128 || props.memorySize > 10240) {
    throw new Error(`memorySize must be an integer from 128 to 10240 MiB, got ${props.memorySize}.`);
  }
  if (props.timeout.toSeconds() < 1 || props.timeout.toSeconds() > 900) {
    throw new Error(`timeout must be between 1 second and 15 minutes, got ${props.timeout.toHumanString()}.`);
  }
  if ((props.vpcSubnets || props.securityGroups) && !props.vpc) {
    throw new Error('vpcSubnets and securityGroups need vpc: a function outside a VPC has neither.');
  }
  const clashes = RESERVED_ENVIRONMENT.filter((name) => props.environment?.[name] !== undefined);
  if (clashes.length > 0) {
    throw new Error(
      `environment must not set ${clashes.join(', ')}: ControlFunction sets them from its props.`,
    );
  }
  if (props.serviceName.trim() === '') {
    throw new Error('serviceName must not be empty: Powertools tags every log line and metric with it.');
  }
}
