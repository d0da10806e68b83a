import { isAbsolute } from 'node:path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { ISecurityGroup, IVpc, SubnetSelection } from 'aws-cdk-lib/aws-ec2';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Code, LayerVersion, Runtime } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { isLogRetentionDays, LOG_RETENTION_DAYS } from '../../functions/shared/config/limits';
import { METRICS_NAMESPACE } from '../../functions/shared/config/metrics-namespace';
import { type ControlFunctionAlarmOptions, ControlFunctionAlarms } from './control-function-alarms';
import {
  type BundleSettings,
  bundlingOptionsOf,
  CONTROL_FUNCTION_TRACING,
  type ControlFunctionEsbuildOptions,
  type ControlFunctionTracing,
  esbuildOptionsOf,
  lambdaTracingOf,
  sourceMapStaging,
} from './control-function-bundling';
import { VpcFunctionAccess } from './vpc-function-access';

const RESERVED_ENVIRONMENT = [
  'NODE_OPTIONS',
  'POWERTOOLS_SERVICE_NAME',
  'POWERTOOLS_METRICS_NAMESPACE',
  'POWERTOOLS_LOG_LEVEL',
];

/** Settings every control function under a scope shares; see {@link ControlFunction.setDefaults}. */
export interface ControlFunctionDefaults {
  /** Source maps in a layer beside each function, and `--enable-source-maps`. @default false */
  readonly sourceMaps?: boolean;
  /** @default 'active' */
  readonly tracing?: ControlFunctionTracing;
}

const DEFAULTS_CONTEXT = '@misybot-ha/control-function:defaults';

export interface ControlFunctionProps extends ControlFunctionDefaults {
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
  /** Extra variables; NODE_OPTIONS and the Powertools ones are set here and may not be overridden. */
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
 * esbuild with the SDK inside (no layer or runtime-SDK drift) and nothing else in the code package
 * but the packages it loads on first use, each in its own file (`LOADED_ON_FIRST_USE`), and its
 * `bundledFiles` (source maps, when on, go to a layer), X-Ray active tracing, Powertools configured, logs kept for
 * a stated time, reserved concurrency, and failed asynchronous invocations (EventBridge, SNS,
 * alarms) kept in an encrypted queue instead of being dropped. Its role starts with no AWS-managed
 * policy: it may write to its own log group (and manage its network interfaces in its own VPC),
 * and each construct grants what its code calls. Errors, throttles and failed events are alarmed.
 */
export class ControlFunction extends NodejsFunction {
  /**
   * Sets the defaults of every ControlFunction created under `scope` from now on (a function's
   * own props still win). Call it before `scope` has children, e.g. first thing in a stack.
   */
  static setDefaults(scope: Construct, defaults: ControlFunctionDefaults): void {
    scope.node.setContext(DEFAULTS_CONTEXT, defaults);
  }

  /** Where failed asynchronous invocations land, with the request and the error. */
  readonly failureQueue: Queue;
  readonly functionLogGroup: LogGroup;
  readonly serviceName: string;
  readonly alarms: ControlFunctionAlarms;
  /** The handler module it was bundled from. */
  readonly entry: string;
  /** The esbuild options it was bundled with. */
  readonly esbuildOptions: ControlFunctionEsbuildOptions;
  /** The layer holding its source map, when source maps are on. */
  readonly sourceMapLayer?: LayerVersion;

  constructor(scope: Construct, id: string, props: ControlFunctionProps) {
    const defaults: ControlFunctionDefaults = scope.node.tryGetContext(DEFAULTS_CONTEXT) ?? {};
    const bundle: BundleSettings = {
      sourceMaps: props.sourceMaps ?? defaults.sourceMaps ?? false,
      tracing: props.tracing ?? defaults.tracing ?? 'active',
      bundledFiles: props.bundledFiles ?? [],
    };
    validate(props, bundle);
    const mapsDir = bundle.sourceMaps ? sourceMapStaging(scope, id) : undefined;
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
      tracing: lambdaTracingOf(bundle.tracing),
      logGroup,
      role,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets,
      securityGroups: props.securityGroups,
      environment: {
        ...props.environment,
        ...(bundle.sourceMaps ? { NODE_OPTIONS: '--enable-source-maps' } : {}),
        POWERTOOLS_SERVICE_NAME: props.serviceName,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        POWERTOOLS_LOG_LEVEL: props.logLevel ?? 'INFO',
      },
      bundling: bundlingOptionsOf(bundle, mapsDir),
    });
    this.functionLogGroup = logGroup;
    this.serviceName = props.serviceName;
    this.entry = props.entry;
    this.esbuildOptions = esbuildOptionsOf(bundle);
    if (mapsDir) {
      this.sourceMapLayer = new LayerVersion(this, 'SourceMaps', {
        code: Code.fromAsset(mapsDir),
        compatibleRuntimes: [Runtime.NODEJS_24_X],
        compatibleArchitectures: [Architecture.ARM_64],
        description: `Source map of ${props.serviceName}, read by --enable-source-maps`,
      });
      this.addLayers(this.sourceMapLayer);
    }
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

function validate(props: ControlFunctionProps, bundle: BundleSettings): void {
  if (!CONTROL_FUNCTION_TRACING.includes(bundle.tracing)) {
    throw new Error(`tracing must be one of ${CONTROL_FUNCTION_TRACING.join(', ')}, got ${bundle.tracing}.`);
  }
  const relative = bundle.bundledFiles.filter((file) => !isAbsolute(file));
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
