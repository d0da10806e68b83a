import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
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
 * `CPUUtilization` (percent of one vCPU).
 */
export class ServiceInstance {
  private readonly child: ChildProcess;
  private exited = false;
  readonly exit: Promise<number | null>;
  private sample: { at: number; ticks: number } | undefined;

  constructor(readonly options: ServiceInstanceOptions) {
    this.child = spawn(options.node, [options.script], {
      env: { ...options.environment, PORT: String(options.port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const release = this.child.pid
      ? reapIfAbandoned({ pid: this.child.pid, signal: 'SIGKILL' })
      : () => undefined;
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

  /**
   * CPU since the previous call, in percent of one core (the first call starts the window and
   * returns undefined, as does a process that is gone).
   */
  cpuPercentSinceLastSample(now = Date.now()): number | undefined {
    const ticks = this.child.pid && this.running ? cpuTicks(this.child.pid) : undefined;
    if (ticks === undefined) return undefined;
    const previous = this.sample;
    this.sample = { at: now, ticks };
    if (!previous || now <= previous.at) return undefined;
    const cpuSeconds = (ticks - previous.ticks) / CLOCK_TICKS_PER_SECOND;
    return Math.min(100, (100 * cpuSeconds) / ((now - previous.at) / 1000));
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
