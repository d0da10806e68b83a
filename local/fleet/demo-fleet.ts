import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildChatDemo } from '../../services/chat-demo/build';
import { type CpuQuotaSupport, cpuQuotaSupport } from '../process/cpu-quota';
import { freeLoopbackPort } from '../process/process-control';
import type { Fleet, FleetMeasurement } from '../world/fleet';
import { LocalLoadBalancer, type TargetView } from './load-balancer';
import { ServiceInstance } from './service-instance';

/** What the demo fleet runs on. */
export interface DemoFleetOptions {
  /** The world's fleet: the group's instances in the emulator, their target health and metrics. */
  readonly fleet: Fleet;
  readonly node: string;
  /** Where the service is built and its instances' logs go. */
  readonly workDir: string;
  /** The environment every instance gets (the user data's REDIS_*, DB_*, AWS_*). */
  readonly environment: Readonly<Record<string, string>>;
  /** Each EMF line an instance writes, for the emulator's CloudWatch. */
  readonly onMetricLine: (instanceId: string, line: string) => void;
  /** How often the group's instances are compared with the processes. @default 2000 */
  readonly reconcileMs?: number;
  /**
   * How long a dead instance stays before it is replaced, as the group's ELB health check
   * replaces it after the grace period. @default 60000
   */
  readonly replaceAfterMs?: number;
  /**
   * The cores each instance has: its process is capped there (a control group's CPU quota, where
   * the machine allows) and its `CPUUtilization` is measured against them. Small instances let a
   * fleet that scales out fit on a laptop: capped, an instance saturates at its own size, not at
   * the machine's. @default 0.5
   */
  readonly instanceVcpus?: number;
}

/** One instance of the demo fleet as the status page shows it. */
export interface DemoInstanceView extends Partial<TargetView> {
  readonly instanceId: string;
  readonly pid: number | undefined;
  readonly running: boolean;
  readonly cpuPercent: number | undefined;
}

/**
 * The demo chat service (services/chat-demo, the artifact the fleet deploys) as N local processes
 * behind a local load balancer, N being the Auto Scaling group's instances in service in the
 * emulator: a reconciler starts a process for each new instance and drains the process of each
 * one the group terminated. A process that dies is an instance failing its target health check
 * until it is replaced. Its measured CPU becomes the instance's `CPUUtilization`, so the scaling
 * function acts on the load the processes really carry.
 */
export class DemoFleet implements FleetMeasurement {
  readonly balancer = new LocalLoadBalancer();
  private readonly instances = new Map<string, ServiceInstance>();
  private readonly deadSince = new Map<string, number>();
  private readonly lastCpu = new Map<string, number>();
  private script = '';
  private cpuSupport: CpuQuotaSupport = { available: false, reason: 'not started' };
  private timer: NodeJS.Timeout | undefined;
  private reconciling: Promise<void> | undefined;
  private stopped = false;
  port = 0;

  constructor(private readonly options: DemoFleetOptions) {}

  /** Builds the service, starts the load balancer and the processes of the group's instances. */
  async start(): Promise<void> {
    const outDir = join(this.options.workDir, 'chat-demo');
    buildChatDemo(outDir);
    this.script = join(outDir, 'server.js');
    this.cpuSupport = cpuQuotaSupport('misybot-local-fleet');
    this.port = await this.balancer.start();
    this.options.fleet.measureWith(this);
    await this.reconcile();
    this.timer = setInterval(() => void this.reconcileOnce(), this.options.reconcileMs ?? 2000);
  }

  private get instanceVcpus(): number {
    return this.options.instanceVcpus ?? 0.5;
  }

  /** How the instances' CPU is capped, in a sentence (for the progress line and the status page). */
  get cpuCap(): string {
    return this.cpuSupport.available
      ? `each instance is capped at ${this.instanceVcpus} vCPU (cgroup v${this.cpuSupport.version}) and its CPU measured against it`
      : `instances are not capped (${this.cpuSupport.reason}): each may use a whole core and its CPU is measured against one`;
  }

  /** Resolves once every instance's process is in rotation, or after `timeoutMs` (whichever first). */
  async inRotation(timeoutMs = 20_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.instances.size > 0 && this.balancer.healthy() >= this.instances.size) return true;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return false;
  }

  /** Stops the reconciler, every process (drained) and the load balancer. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.reconciling;
    await Promise.all([...this.instances.values()].map((instance) => instance.stop()));
    this.instances.clear();
    await this.balancer.stop();
  }

  /** The instances with their process and target state. */
  view(): DemoInstanceView[] {
    const targets = new Map(this.balancer.view().map((t) => [t.id, t]));
    return [...this.instances.values()].map((instance) => ({
      ...targets.get(instance.instanceId),
      instanceId: instance.instanceId,
      pid: instance.pid,
      running: instance.running,
      cpuPercent: this.lastCpu.get(instance.instanceId),
    }));
  }

  /** Kills the process of one instance (the newest when `instanceId` is absent); returns its id. */
  kill(instanceId?: string): string | undefined {
    const ids = [...this.instances.keys()];
    const id = instanceId ?? ids[ids.length - 1];
    if (id) this.instances.get(id)?.kill();
    return id;
  }

  async cpuPercent(instanceIds: readonly string[]): Promise<ReadonlyMap<string, number>> {
    const measured = new Map<string, number>();
    for (const id of instanceIds) {
      const cpu = this.instances.get(id)?.cpuPercentSinceLastSample();
      if (cpu === undefined) continue;
      measured.set(id, cpu);
      this.lastCpu.set(id, cpu);
    }
    return measured;
  }

  private reconcileOnce(): Promise<void> {
    this.reconciling ??= this.reconcile()
      .catch((error: Error) => this.log('fleet', `reconcile failed: ${error.message}`))
      .finally(() => {
        this.reconciling = undefined;
      });
    return this.reconciling;
  }

  private async reconcile(): Promise<void> {
    const inService = new Set(await this.options.fleet.instances());
    if (this.stopped) return;
    for (const id of inService) {
      const instance = this.instances.get(id);
      if (!instance) await this.launch(id);
      else if (!instance.running) this.replaceIfDue(id);
    }
    for (const [id, instance] of this.instances) {
      if (inService.has(id)) continue;
      this.instances.delete(id);
      this.balancer.deregister(id);
      this.options.fleet.setTargetFailure(id, undefined);
      void instance.stop().then(() => this.balancer.forget(id));
    }
  }

  private replaceIfDue(id: string): void {
    const now = Date.now();
    const since = this.deadSince.get(id);
    if (since === undefined) {
      this.deadSince.set(id, now);
      this.options.fleet.setTargetFailure(id, {
        reason: 'Target.FailedHealthChecks',
        description: 'Health checks failed with these codes: [502]',
      });
      return;
    }
    if (now - since < (this.options.replaceAfterMs ?? 60_000)) return;
    this.deadSince.delete(id);
    this.instances.delete(id);
    this.balancer.forget(id);
    this.options.fleet.setTargetFailure(id, undefined);
    void this.launch(id);
  }

  private async launch(instanceId: string): Promise<void> {
    const port = await freeLoopbackPort();
    const logFile = join(this.options.workDir, `${instanceId}.log`);
    const instance = new ServiceInstance({
      instanceId,
      node: this.options.node,
      script: this.script,
      port,
      environment: this.options.environment,
      cpu: { support: this.cpuSupport, vcpus: this.instanceVcpus },
      onLine: (line) => {
        if (line.includes('"_aws"')) return this.options.onMetricLine(instanceId, line);
        appendFileSync(logFile, `${line}\n`);
        // Registered once it listens, as the user data waits for the service before signalling.
        if (line.includes('chat-demo listening')) this.balancer.register(instanceId, port);
      },
    });
    this.instances.set(instanceId, instance);
    instance.cpuPercentSinceLastSample();
  }

  private log(source: string, message: string): void {
    appendFileSync(
      join(this.options.workDir, 'fleet.log'),
      `${new Date().toISOString()} ${source} ${message}\n`,
    );
  }
}
