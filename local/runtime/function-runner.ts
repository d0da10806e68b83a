import { randomBytes, randomUUID } from 'node:crypto';
import type { VirtualClock } from '../clock/virtual-clock';
import {
  type EnvironmentResult,
  ExecutionEnvironment,
  InitError,
  type InvocationError,
  type LogLine,
} from './execution-environment';

/** A deployed function, as the runner needs it (see `local/assembly/platform-model.ts`). */
export interface FunctionSpec {
  /** The physical function name. */
  readonly name: string;
  readonly arn: string;
  /** The unpacked code asset (the bundle directory in cdk.out). */
  readonly codeDir: string;
  /** `module.export`, e.g. `index.handler`. */
  readonly handler: string;
  /** The template's variables, resolved. */
  readonly environment: Readonly<Record<string, string>>;
  readonly timeoutSeconds: number;
  readonly memoryMiB: number;
  /** Reserved concurrency; absent means the account's unreserved pool. */
  readonly reservedConcurrency?: number;
  readonly logGroupName: string;
}

/** What the emulated Lambda service hands every environment besides the function's variables. */
export interface RunnerOptions {
  readonly node: string;
  readonly clock: VirtualClock;
  readonly region: string;
  readonly accountId: string;
  /** The AWS endpoint the functions call (the fault proxy in front of the emulator). */
  readonly endpointUrl: string;
  /** `name:port` → loopback address of the services the platform serves locally. */
  readonly routes: Readonly<Record<string, { host: string; port: number }>>;
  /** PEM file of the local CA, trusted through NODE_EXTRA_CA_CERTS. */
  readonly caFile: string;
  /** `host:port` of the UDP socket that takes X-Ray segments. */
  readonly xrayDaemonAddress: string;
  /** Concurrency of a function without a reservation (the account's pool is not shared here). @default 4 */
  readonly unreservedConcurrency?: number;
  /** Extra variables for every environment (e.g. POWERTOOLS_DEV). */
  readonly extraEnvironment?: Readonly<Record<string, string>>;
  /** The access key of a function's role credentials (each function its own, so calls can be told apart). */
  readonly accessKeyOf?: (functionName: string) => string;
}

/** How an invocation ended. `throttled` means no environment could take it (concurrency limit). */
export type InvocationOutcome =
  | { readonly status: 'succeeded'; readonly payload: unknown }
  | {
      readonly status: 'failed';
      readonly kind: 'function' | 'timeout' | 'crash' | 'init';
      readonly error: InvocationError;
    }
  | { readonly status: 'throttled'; readonly error: InvocationError };

/** One invocation, as the emulated Lambda service records it. */
export interface InvocationRecord {
  readonly functionName: string;
  readonly requestId: string;
  readonly event: unknown;
  readonly startedAt: number;
  readonly endedAt: number;
  readonly coldStart: boolean;
  readonly outcome: InvocationOutcome;
}

/** An invocation in progress, from its arrival at the service until its outcome is recorded. */
export interface InvocationInProgress {
  readonly functionName: string;
  readonly requestId: string;
  readonly startedAt: number;
}

interface Pool {
  readonly spec: FunctionSpec;
  readonly environments: ExecutionEnvironment[];
  starting: number;
}

/**
 * The emulated Lambda service's data plane: runs a function's bundled handler in Node 24
 * execution environments, warm ones reused, new ones started up to the function's reserved
 * concurrency (or the unreserved limit), each invocation bounded by the function's timeout on
 * the virtual clock. Synchronous only: asynchronous invocation (retries, destinations) is the
 * driver's (`local/driver/async-invoker.ts`).
 */
export class FunctionRunner {
  private readonly pools = new Map<string, Pool>();
  private readonly running = new Map<
    ExecutionEnvironment,
    { readonly deadline: number; readonly functionName: string }
  >();
  private readonly inProgress = new Set<InvocationInProgress>();
  private readonly logListeners = new Set<(line: LogLine) => void>();
  private readonly invocationListeners = new Set<(record: InvocationRecord) => void>();
  private pendingStarts = 0;
  private stopped = false;
  private readonly deadlineTimer: NodeJS.Timeout;

  constructor(
    private readonly options: RunnerOptions,
    functions: readonly FunctionSpec[],
  ) {
    for (const spec of functions) this.pools.set(spec.name, { spec, environments: [], starting: 0 });
    options.clock.onJump(() => this.enforceDeadlines());
    // Between jumps the clock runs in real time, and so do timeouts.
    this.deadlineTimer = setInterval(() => this.enforceDeadlines(), 100);
    this.deadlineTimer.unref();
  }

  /** The functions this runner knows, by physical name. */
  get functions(): readonly FunctionSpec[] {
    return [...this.pools.values()].map((pool) => pool.spec);
  }

  /** The function named by a name or ARN (Lambda accepts both, and `name:qualifier`). */
  find(nameOrArn: string): FunctionSpec | undefined {
    const name = nameOrArn.startsWith('arn:') ? nameOrArn.split(':')[6] : nameOrArn.split(':')[0];
    return name === undefined ? undefined : this.pools.get(name)?.spec;
  }

  onLog(listener: (line: LogLine) => void): () => void {
    this.logListeners.add(listener);
    return () => this.logListeners.delete(listener);
  }

  onInvocation(listener: (record: InvocationRecord) => void): () => void {
    this.invocationListeners.add(listener);
    return () => this.invocationListeners.delete(listener);
  }

  /** Runs `event` on `functionName` and waits for the outcome (a `RequestResponse` invoke). */
  async invoke(
    functionName: string,
    event: unknown,
    requestId: string = randomUUID(),
  ): Promise<InvocationRecord> {
    const pool = this.pools.get(functionName);
    if (!pool) throw new Error(`no function ${functionName} in this platform`);
    const invocation: InvocationInProgress = {
      functionName,
      requestId,
      startedAt: this.options.clock.now(),
    };
    this.inProgress.add(invocation);
    try {
      return await this.execute(pool, event, requestId);
    } finally {
      this.inProgress.delete(invocation);
    }
  }

  private async execute(pool: Pool, event: unknown, requestId: string): Promise<InvocationRecord> {
    const functionName = pool.spec.name;
    const startedAt = this.options.clock.now();
    const record = (outcome: InvocationOutcome, coldStart: boolean): InvocationRecord => {
      const done = {
        functionName,
        requestId,
        event,
        startedAt,
        endedAt: this.options.clock.now(),
        coldStart,
        outcome,
      };
      for (const listener of this.invocationListeners) listener(done);
      return done;
    };
    let environment = pool.environments.find((candidate) => candidate.alive && !candidate.busy);
    const coldStart = environment === undefined;
    if (!environment) {
      const limit = pool.spec.reservedConcurrency ?? this.options.unreservedConcurrency ?? 4;
      if (pool.environments.filter((e) => e.alive).length + pool.starting >= limit) {
        return record(
          {
            status: 'throttled',
            error: { errorType: 'TooManyRequestsException', errorMessage: 'Rate Exceeded.' },
          },
          false,
        );
      }
      try {
        environment = await this.startEnvironment(pool);
      } catch (error) {
        const failure =
          error instanceof InitError
            ? error.error
            : { errorType: 'Runtime.StartError', errorMessage: (error as Error).message };
        return record({ status: 'failed', kind: 'init', error: failure }, true);
      }
    }
    const deadline = this.options.clock.now() + pool.spec.timeoutSeconds * 1000;
    this.running.set(environment, { deadline, functionName });
    let result: EnvironmentResult;
    try {
      result = await environment.invoke(
        {
          requestId,
          functionArn: pool.spec.arn,
          event,
          deadline,
          traceId: traceHeader(this.options.clock.now()),
        },
        this.options.clock.offset,
      );
    } finally {
      this.running.delete(environment);
    }
    if (result.ok) return record({ status: 'succeeded', payload: result.payload }, coldStart);
    const kind =
      result.error.errorType === 'Sandbox.Timedout'
        ? 'timeout'
        : result.error.errorType.startsWith('Runtime.')
          ? 'crash'
          : 'function';
    const error =
      kind === 'timeout'
        ? {
            errorType: 'Sandbox.Timedout',
            errorMessage: `${requestId} Task timed out after ${pool.spec.timeoutSeconds.toFixed(2)} seconds`,
          }
        : result.error;
    return record({ status: 'failed', kind, error }, coldStart);
  }

  private async startEnvironment(pool: Pool): Promise<ExecutionEnvironment> {
    if (this.stopped) throw new Error('the platform is stopping');
    const { spec } = pool;
    const environment = new ExecutionEnvironment({
      node: this.options.node,
      functionName: spec.name,
      cwd: spec.codeDir,
      env: this.lambdaEnvironment(spec),
      onLog: (line) => {
        for (const listener of this.logListeners) listener(line);
      },
    });
    pool.starting++;
    this.pendingStarts++;
    try {
      await environment.start(this.options.clock.offset, this.options.routes);
      pool.environments.push(environment);
      return environment;
    } finally {
      pool.starting--;
      this.pendingStarts--;
    }
  }

  /** The variables Lambda sets, then the function's own (which may not override the reserved ones). */
  private lambdaEnvironment(spec: FunctionSpec): Record<string, string> {
    const { options } = this;
    const stream = `${new Date(options.clock.now()).toISOString().slice(0, 10).replaceAll('-', '/')}/[$LATEST]${randomBytes(16).toString('hex')}`;
    return {
      PATH: '/usr/local/bin:/usr/bin:/bin',
      LANG: 'en_US.UTF-8',
      TZ: ':UTC',
      ...options.extraEnvironment,
      ...spec.environment,
      AWS_REGION: options.region,
      AWS_DEFAULT_REGION: options.region,
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
      AWS_LAMBDA_FUNCTION_NAME: spec.name,
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(spec.memoryMiB),
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
      AWS_LAMBDA_LOG_GROUP_NAME: spec.logGroupName,
      AWS_LAMBDA_LOG_STREAM_NAME: stream,
      AWS_ACCESS_KEY_ID: options.accessKeyOf?.(spec.name) ?? 'ASIAEMULATEDLAMBDA00',
      AWS_SECRET_ACCESS_KEY: 'emulated-lambda-secret-key',
      AWS_SESSION_TOKEN: 'emulated-lambda-session-token',
      AWS_ENDPOINT_URL: options.endpointUrl,
      AWS_XRAY_DAEMON_ADDRESS: options.xrayDaemonAddress,
      AWS_XRAY_CONTEXT_MISSING: 'LOG_ERROR',
      _AWS_XRAY_DAEMON_ADDRESS: options.xrayDaemonAddress.split(':')[0]!,
      _AWS_XRAY_DAEMON_PORT: options.xrayDaemonAddress.split(':')[1]!,
      LAMBDA_TASK_ROOT: spec.codeDir,
      LAMBDA_RUNTIME_DIR: spec.codeDir,
      _HANDLER: spec.handler,
      NODE_EXTRA_CA_CERTS: options.caFile,
    };
  }

  /**
   * Asks every environment running an invocation whether it only waits on its timers. When all
   * do, returns the earliest time one of them (or an invocation's timeout) is due; the caller
   * then either jumps the clock there ({@link advance}) or wakes them ({@link resume}).
   * @returns undefined when something is still working in real time.
   */
  async quiescence(probeTimeoutMs = 250): Promise<{ nextDue: number } | undefined> {
    if (this.pendingStarts > 0) return undefined;
    const running = [...this.running.entries()];
    if (running.length === 0) return { nextDue: Number.POSITIVE_INFINITY };
    const answers = await Promise.all(running.map(([environment]) => environment.probe(probeTimeoutMs)));
    if (this.pendingStarts > 0 || this.running.size !== running.length || answers.some((a) => !a.quiescent)) {
      this.resume();
      return undefined;
    }
    let nextDue = Number.POSITIVE_INFINITY;
    running.forEach(([, { deadline }], index) => {
      nextDue = Math.min(nextDue, deadline, answers[index]!.nextDue ?? Number.POSITIVE_INFINITY);
    });
    return { nextDue };
  }

  /** Passes a clock jump to the running environments (idle ones catch up when next invoked). */
  advance(): void {
    const offset = this.options.clock.offset;
    for (const environment of this.running.keys()) environment.advance(offset);
  }

  /** Wakes environments parked by {@link quiescence} without moving the clock. */
  resume(): void {
    for (const environment of this.running.keys()) environment.resume();
  }

  /** The invocations in progress now, cold starts included. */
  invocationsInProgress(): readonly InvocationInProgress[] {
    return [...this.inProgress];
  }

  /** True until `invocation` (from {@link invocationsInProgress}) has its outcome. */
  isInProgress(invocation: InvocationInProgress): boolean {
    return this.inProgress.has(invocation);
  }

  /** True while an invocation is running or an environment is starting. */
  get active(): boolean {
    return this.running.size > 0 || this.pendingStarts > 0;
  }

  private enforceDeadlines(): void {
    const now = this.options.clock.now();
    for (const [environment, { deadline }] of this.running) {
      if (now >= deadline) environment.kill('Sandbox.Timedout');
    }
  }

  /** Kills every environment. */
  stop(): void {
    this.stopped = true;
    clearInterval(this.deadlineTimer);
    for (const pool of this.pools.values()) {
      for (const environment of pool.environments) environment.kill('Runtime.Shutdown');
      pool.environments.length = 0;
    }
  }
}

/** An X-Ray trace header for a sampled invocation, as Lambda sets `_X_AMZN_TRACE_ID`. */
function traceHeader(now: number): string {
  const epoch = Math.floor(now / 1000).toString(16);
  return `Root=1-${epoch}-${randomBytes(12).toString('hex')};Parent=${randomBytes(8).toString('hex')};Sampled=1`;
}
