import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import {
  type CpuQuota,
  type CpuQuotaAvailable,
  type CpuQuotaSupport,
  capProcess,
} from '../process/cpu-quota';
import { reapIfAbandoned } from '../process/reaper';

/** Kernel clock ticks per second (`getconf CLK_TCK`): 100 on every Linux this runs on. */
const CLOCK_TICKS_PER_SECOND = 100;

/** How to start one instance of the service. */
export interface ServiceInstanceOptions {
  /** The Auto Scaling instance it stands for. */
  readonly instanceId: string;
  readonly node: string;
  readonly script: string;
  readonly port: number;
  readonly environment: Readonly<Record<string, string>>;
  /** Each line the process writes (its JSON log and its EMF metrics). */
  readonly onLine: (line: string) => void;
  /**
   * The instance's CPU: the process is capped at `vcpus` cores where `support` allows, and its
   * utilization is measured against them. Left out, or where capping is not supported, the
   * process has the machine's cores and its utilization is against one core.
   */
  readonly cpu?: { readonly support: CpuQuotaSupport; readonly vcpus: number };
}

/** CPU ticks (user + system) the process has used, from `/proc/<pid>/stat`; undefined once it is gone. */
export function cpuTicks(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces: the fields after it start past the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return undefined;
  }
}

/**
 * One process of the demo service standing for one instance of the group: started with the
 * environment the instance's user data writes, stopped as systemd stops it (SIGTERM, then
 * SIGKILL), its CPU measured from the kernel's accounting like the EC2 hypervisor's
 * `CPUUtilization`: the percent of its vCPUs it used. A process capped at half a core by its
 * control group is an instance with half a vCPU: it saturates, and queues its requests, at half a
 * core whatever the machine's other cores do, and 0.4 cores of use is 80 %.
 */
export class ServiceInstance {
  private readonly child: ChildProcess;
  private exited = false;
  readonly exit: Promise<number | null>;
  private sample: { at: number; ticks: number } | undefined;
  /** The cap the process runs under, if it could be set. */
  readonly quota: CpuQuota | undefined;

  constructor(readonly options: ServiceInstanceOptions) {
    this.child = spawn(options.node, [options.script], {
      env: { ...options.environment, PORT: String(options.port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const pid = this.child.pid;
    const cpu = options.cpu;
    this.quota = pid && cpu?.support.available ? this.cap(cpu.support, pid, cpu.vcpus) : undefined;
    const unreap = pid ? reapIfAbandoned({ pid, signal: 'SIGKILL' }) : () => undefined;
    const release = () => {
      unreap();
      this.quota?.release();
    };
    for (const stream of [this.child.stdout!, this.child.stderr!]) {
      createInterface({ input: stream }).on('line', options.onLine);
    }
    this.exit = new Promise((resolve) => {
      this.child.once('exit', (code) => {
        this.exited = true;
        release();
        resolve(code);
      });
      this.child.once('error', () => {
        this.exited = true;
        release();
        resolve(null);
      });
    });
  }

  private cap(support: CpuQuotaAvailable, pid: number, vcpus: number) {
    try {
      return capProcess(support, this.options.instanceId, pid, vcpus);
    } catch (error) {
      // An instance that runs uncapped is still an instance: its utilization is then against a core.
      this.options.onLine(
        JSON.stringify({ level: 'WARN', message: `CPU cap not set: ${(error as Error).message}` }),
      );
      return undefined;
    }
  }

  get instanceId(): string {
    return this.options.instanceId;
  }

  get port(): number {
    return this.options.port;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return !this.exited;
  }

  /** The cores the instance has: its cap, or one core when uncapped. */
  get vcpus(): number {
    return this.quota?.vcpus ?? 1;
  }

  /**
   * CPU since the previous call, in percent of {@link vcpus} (the first call starts the window and
   * returns undefined, as does a process that is gone).
   */
  cpuPercentSinceLastSample(now = Date.now()): number | undefined {
    const ticks = this.child.pid && this.running ? cpuTicks(this.child.pid) : undefined;
    if (ticks === undefined) return undefined;
    const previous = this.sample;
    this.sample = { at: now, ticks };
    if (!previous || now <= previous.at) return undefined;
    const cpuSeconds = (ticks - previous.ticks) / CLOCK_TICKS_PER_SECOND;
    return Math.min(100, (100 * cpuSeconds) / (this.vcpus * ((now - previous.at) / 1000)));
  }

  /** Kills the process at once (a crash, an instance lost), without draining. */
  kill(): void {
    if (this.running) this.child.kill('SIGKILL');
  }

  /** Drains and stops it: SIGTERM, SIGKILL after `graceMs`. */
  async stop(graceMs = 5000): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const graceful = await Promise.race([
      this.exit.then(() => true),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), graceMs))),
    ]);
    clearTimeout(timer);
    if (!graceful) {
      this.child.kill('SIGKILL');
      await this.exit;
    }
  }
}
