import { randomBytes } from 'node:crypto';
import { CreateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { type MotoServer, startMotoServer } from '../account/moto-server';
import { synthesizedAssembly } from '../assembly/synth';
import { DemoFleet } from '../fleet/demo-fleet';
import { FaultRelay } from '../fleet/fault-relay';
import { DEFAULT_SLO, LoadGenerator, type Slo } from '../load/load-generator';
import { LocalPlatform } from '../platform/local-platform';
import { makeTempDir, removeTempDir } from '../process/process-control';
import { type RedisServer, startRedis } from '../process/services';
import { StreamingReplicaSet } from '../process/streaming-replication';
import { node24Binary } from '../runtime/node24';
import { FAULTS, type FaultTargets } from './fault-catalogue';
import { ReplicatedDatabase } from './replicated-database';

/** How to run the control plane live. */
export interface LiveOptions {
  readonly projectRoot: string;
  /** A configuration file; absent, the embedded default. */
  readonly configFile?: string;
  /**
   * Configuration variants synthesized beside the platform (see `synthesizedAssembly`): the
   * platform itself is the assembly's first stack either way, so a caller that already keeps an
   * assembly with variants (the e2e suite) shares it instead of synthesizing another. @default none
   */
  readonly variants?: Readonly<Record<string, unknown>>;
  /**
   * Where synthesized assemblies are kept between runs.
   * @default `<project>/node_modules/.cache/misybot-local`
   */
  readonly assemblyCacheDir?: string;
  /** Virtual seconds per real second while nothing runs. @default 1 */
  readonly speed?: number;
  /** The users' normal rate. @default 20 */
  readonly baseRps?: number;
  /** @default {@link DEFAULT_SLO} */
  readonly slo?: Slo;
  /** Progress lines while it starts. */
  readonly onProgress?: (line: string) => void;
}

/** A fault injected, with when it started and ended (real ms). */
export interface InjectedFault {
  readonly name: string;
  readonly startedAt: number;
  endedAt?: number;
}

/** Thrown for a fault name the catalogue does not have. */
export class UnknownFaultError extends Error {
  constructor(name: string, cause?: unknown) {
    super(`unknown fault "${name}": expected one of ${FAULTS.map((f) => f.name).join(', ')}`, { cause });
    this.name = 'UnknownFaultError';
  }
}

/**
 * The control plane running live on one machine: the platform synthesized from the
 * configuration and deployed into an emulated account, its functions on a clock at real speed (or
 * faster), PostgreSQL and Redis behind relays that faults can slow or cut, the demo fleet sized by
 * the Auto Scaling group, and users sending load. What `npm start` runs.
 */
export class LiveControlPlane {
  readonly injected: InjectedFault[] = [];
  private readonly ending = new Map<InjectedFault, () => void>();
  private stopped = false;
  private running: Promise<void> | undefined;

  private constructor(
    readonly platform: LocalPlatform,
    readonly demo: DemoFleet,
    readonly load: LoadGenerator,
    readonly relays: FaultTargets['relays'],
    /** The Aurora cluster's two instances as a PostgreSQL primary and its streaming standby. */
    readonly database: ReplicatedDatabase,
    /** Where the fleet reaches PostgreSQL (through the database relay). */
    readonly databaseEndpoint: { readonly host: string; readonly port: number },
    readonly slo: Slo,
    readonly baseRps: number,
    readonly startedAt: number,
    private readonly cleanups: (() => Promise<void> | void)[],
  ) {}

  /** Starts everything; on any failure, stops what had started and rethrows. */
  static async start(options: LiveOptions): Promise<LiveControlPlane> {
    const progress = options.onProgress ?? (() => undefined);
    const cleanups: (() => Promise<void> | void)[] = [];
    const stopAll = async () => {
      for (const cleanup of cleanups.splice(0).reverse())
        await Promise.resolve(cleanup()).catch(() => undefined);
    };
    try {
      const node = node24Binary();
      const password = randomBytes(24).toString('hex');
      progress(
        'starting the AWS emulator, PostgreSQL 15 (a primary and its streaming standby) and Redis 7; synthesizing the platform',
      );
      const started = await Promise.allSettled([
        startMotoServer(),
        StreamingReplicaSet.start({ database: 'misybot_local' }),
        startRedis({ password }),
        synthesizedAssembly({
          projectRoot: options.projectRoot,
          ...(options.configFile ? { configFile: options.configFile } : {}),
          ...(options.variants ? { variants: options.variants } : {}),
          ...(options.assemblyCacheDir ? { cacheDir: options.assemblyCacheDir } : {}),
          onProgress: progress,
        }),
      ]);
      for (const result of started.slice(0, 3)) {
        if (result.status === 'fulfilled')
          cleanups.push(() => (result.value as { stop(): Promise<void> }).stop());
      }
      const failed = started.find((result) => result.status === 'rejected');
      if (failed) throw (failed as PromiseRejectedResult).reason;
      const [moto, postgres, redis, assemblyDir] = started.map(
        (result) => (result as PromiseFulfilledResult<unknown>).value,
      ) as [MotoServer, StreamingReplicaSet, RedisServer, string];

      const cache = new FaultRelay(redis, 'cache');
      const database = new FaultRelay({ host: '127.0.0.1', port: postgres.primary!.port }, 'database');
      const cachePort = await cache.start();
      const databasePort = await database.start();
      cleanups.push(
        () => cache.stop(),
        () => database.stop(),
      );

      progress('deploying the template into the emulated account');
      const platform = await LocalPlatform.start({
        assemblyDir,
        emulatorUrl: moto.url,
        backends: {
          postgres: { host: '127.0.0.1', port: databasePort },
          redis: { host: '127.0.0.1', port: cachePort },
          redisPassword: password,
        },
        start: 'now',
      });
      cleanups.push(() => platform.stop());
      const replicated = new ReplicatedDatabase(postgres, database, platform.database);
      await replicated.bind((listener) => platform.proxy.onCall(listener));
      cleanups.push(() => replicated.close());

      progress('starting the demo fleet behind its load balancer');
      const secret = await platform.emulator.secrets.send(
        new CreateSecretCommand({ Name: 'misybot-local/demo-fleet/redis-auth', SecretString: password }),
      );
      const cluster = platform.model.only('AWS::RDS::DBCluster');
      const workDir = makeTempDir('misybot-fleet-');
      cleanups.push(() => removeTempDir(workDir));
      const demo = new DemoFleet({
        fleet: platform.fleet,
        node,
        workDir,
        environment: {
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          NODE_ENV: 'production',
          AWS_REGION: 'us-east-1',
          AWS_ENDPOINT_URL: platform.endpoint,
          AWS_ACCESS_KEY_ID: 'ASIADEMOFLEETINSTANCE',
          AWS_SECRET_ACCESS_KEY: 'demo-fleet-instance-role',
          REDIS_HOST: '127.0.0.1',
          REDIS_PORT: String(cachePort),
          REDIS_TLS: 'false',
          REDIS_AUTH_SECRET_ARN: secret.ARN!,
          DB_HOST: '127.0.0.1',
          DB_PORT: String(databasePort),
          DB_NAME: String(cluster.properties.DatabaseName ?? 'postgres'),
          DB_USER: 'postgres',
          DB_IAM_AUTH: 'false',
          METRICS_SERVICE: 'chat-api',
          // The reply's cost can be set for a run (`REPLY_CPU_MS=0 npm start` is the free echo).
          ...Object.fromEntries(
            ['REPLY_CPU_MS', 'REPLY_CONTEXT_MESSAGES'].flatMap((name) =>
              process.env[name] === undefined ? [] : [[name, process.env[name]]],
            ),
          ),
        },
        onMetricLine: (instanceId, text) =>
          platform.metrics.onLog({ functionName: instanceId, stream: 'stdout', text }),
      });
      cleanups.push(() => demo.stop());
      await demo.start();
      progress(demo.cpuCap);
      await demo.inRotation();
      const overridden = platform.loadBalancerOverride;
      // The public endpoint answers as the local load balancer does: 503 once no target is healthy.
      platform.loadBalancerOverride = (path, now) =>
        demo.balancer.healthy() === 0 ? { status: 503, body: '' } : overridden?.(path, now);

      const baseRps = options.baseRps ?? 20;
      const load = new LoadGenerator(demo.port);
      load.load = { rps: baseRps };
      load.start();
      cleanups.push(() => load.stop());

      const live = new LiveControlPlane(
        platform,
        demo,
        load,
        { cache, database },
        replicated,
        { host: '127.0.0.1', port: databasePort },
        options.slo ?? DEFAULT_SLO,
        baseRps,
        Date.now(),
        cleanups,
      );
      live.running = platform.scheduler.runLive(() => live.stopped, options.speed ?? 1);
      return live;
    } catch (error) {
      await stopAll();
      throw error;
    }
  }

  /** Injects a fault by name; returns its record. */
  inject(name: string): InjectedFault {
    const definition = FAULTS.find((fault) => fault.name === name);
    if (!definition) throw new UnknownFaultError(name);
    const record: InjectedFault = { name, startedAt: Date.now() };
    this.injected.push(record);
    const end = () => {
      if (record.endedAt === undefined) record.endedAt = Date.now();
      this.ending.delete(record);
    };
    const cancel = definition.start(this, end);
    this.ending.set(record, () => {
      cancel();
      end();
    });
    return record;
  }

  /** Ends every fault still active. */
  clearFaults(): void {
    for (const end of [...this.ending.values()]) end();
  }

  /** Stops every process and server, newest first. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    // Before the faults end: a writer "recovering" during shutdown must not be rebuilt.
    this.database.close();
    this.clearFaults();
    await this.running?.catch(() => undefined);
    for (const cleanup of this.cleanups.splice(0).reverse()) {
      await Promise.resolve(cleanup()).catch(() => undefined);
    }
  }
}
