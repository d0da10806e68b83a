import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const BOOTSTRAP = join(__dirname, 'child', 'bootstrap.cjs');

/** The error of a failed invocation, as Lambda reports it. */
export interface InvocationError {
  readonly errorType: string;
  readonly errorMessage: string;
  readonly trace?: readonly string[];
}

/** What one invocation returned inside an environment. */
export type EnvironmentResult =
  | { readonly ok: true; readonly payload: unknown }
  | { readonly ok: false; readonly error: InvocationError };

/** An invocation handed to an environment. */
export interface EnvironmentInvocation {
  readonly requestId: string;
  readonly functionArn: string;
  readonly event: unknown;
  /** Virtual time at which Lambda stops waiting. */
  readonly deadline: number;
  readonly traceId: string;
}

/** A log line the function wrote. */
export interface LogLine {
  readonly functionName: string;
  readonly stream: 'stdout' | 'stderr';
  readonly text: string;
}

/** How an environment answered a quiescence probe. */
export interface ProbeAnswer {
  /** Only waiting on timers: the clock may jump. */
  readonly quiescent: boolean;
  /** The earliest virtual time one of its timers fires, when it has one. */
  readonly nextDue?: number;
}

/** What starting an environment needs. */
export interface EnvironmentOptions {
  readonly node: string;
  readonly functionName: string;
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
  readonly onLog: (line: LogLine) => void;
}

/** Raised by {@link ExecutionEnvironment.start} when the handler module fails to load. */
export class InitError extends Error {
  override readonly name = 'InitError';
  constructor(readonly error: InvocationError) {
    super(`${error.errorType}: ${error.errorMessage}`);
  }
}

type Message =
  | { t: 'ready'; initMs: number }
  | { t: 'init-error'; error: InvocationError }
  | { t: 'result'; id: number; ok: true; payload: unknown }
  | { t: 'result'; id: number; ok: false; error: InvocationError }
  | { t: 'probe'; seq: number; quiescent: boolean; nextDue: number | null };

/**
 * One Lambda execution environment: a Node 24 child process running `child/bootstrap.cjs` with
 * the function's environment. It runs one invocation at a time and is reused, as Lambda reuses
 * a warm environment; it is killed when an invocation times out or crashes it.
 */
export class ExecutionEnvironment {
  private child?: ChildProcess;
  private exited = false;
  private nextId = 1;
  private nextSeq = 1;
  private current?: { id: number; settle: (result: EnvironmentResult) => void };
  private readonly probes = new Map<number, (answer: ProbeAnswer) => void>();
  private exitReason = 'exited';
  private killed = false;
  /** Init duration of the cold start, for the invocation that paid it. */
  initMs?: number;

  constructor(private readonly options: EnvironmentOptions) {}

  /** True while an invocation runs. */
  get busy(): boolean {
    return this.current !== undefined;
  }

  /** False from the moment the process is killed, not only once it has exited. */
  get alive(): boolean {
    return this.child !== undefined && !this.exited && !this.killed;
  }

  /** Spawns the process and loads the handler (the cold start). */
  start(
    clockOffset: number,
    routes: Readonly<Record<string, { host: string; port: number }>>,
  ): Promise<void> {
    const child = spawn(this.options.node, [BOOTSTRAP], {
      cwd: this.options.cwd,
      env: {
        ...this.options.env,
        MISYBOT_LOCAL_CLOCK_OFFSET: String(clockOffset),
        MISYBOT_LOCAL_ROUTES: JSON.stringify(routes),
      },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'json',
    });
    this.child = child;
    for (const stream of ['stdout', 'stderr'] as const) {
      const lines = createInterface({ input: child[stream]!, crlfDelay: Number.POSITIVE_INFINITY });
      lines.on('line', (text) =>
        this.options.onLog({ functionName: this.options.functionName, stream, text }),
      );
    }
    return new Promise((resolve, reject) => {
      const onMessage = (message: Message) => {
        if (message.t === 'ready') {
          this.initMs = message.initMs;
          resolve();
        } else if (message.t === 'init-error') {
          this.kill('init failed');
          reject(new InitError(message.error));
        }
      };
      child.once('message', onMessage);
      child.on('message', (message: Message) => this.receive(message));
      child.once('exit', (code, signal) => {
        this.exited = true;
        const reason = signal ? `killed by ${signal}` : `exited with code ${code}`;
        reject(
          new InitError({ errorType: 'Runtime.ExitError', errorMessage: `Runtime ${reason} during init` }),
        );
        this.current?.settle({
          ok: false,
          error: {
            errorType: this.exitReason === 'exited' ? 'Runtime.ExitError' : this.exitReason,
            errorMessage: `RequestId: the runtime ${reason}`,
          },
        });
        this.current = undefined;
        for (const answer of this.probes.values()) answer({ quiescent: false });
        this.probes.clear();
      });
      child.on('error', (error) => {
        this.exited = true;
        reject(error);
      });
    });
  }

  private receive(message: Message): void {
    if (message.t === 'result' && this.current?.id === message.id) {
      const { settle } = this.current;
      this.current = undefined;
      settle(message.ok ? { ok: true, payload: message.payload } : { ok: false, error: message.error });
    } else if (message.t === 'probe') {
      const answer = this.probes.get(message.seq);
      this.probes.delete(message.seq);
      answer?.({
        quiescent: message.quiescent,
        ...(message.nextDue === null ? {} : { nextDue: message.nextDue }),
      });
    }
  }

  /** Runs one invocation; the caller enforces the timeout with {@link kill}. */
  invoke(invocation: EnvironmentInvocation, clockOffset: number): Promise<EnvironmentResult> {
    if (!this.alive) throw new Error(`environment of ${this.options.functionName} is not running`);
    if (this.current) throw new Error(`environment of ${this.options.functionName} is busy`);
    const id = this.nextId++;
    return new Promise((settle) => {
      this.current = { id, settle };
      this.post({ t: 'invoke', id, offset: clockOffset, ...invocation });
    });
  }

  /** Asks whether the running invocation only waits on timers; a process that does not answer is busy. */
  probe(timeoutMs: number): Promise<ProbeAnswer> {
    if (!this.alive || !this.current) return Promise.resolve({ quiescent: false });
    const seq = this.nextSeq++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.probes.delete(seq);
        resolve({ quiescent: false });
      }, timeoutMs);
      const answer = (reply: ProbeAnswer) => {
        clearTimeout(timer);
        this.probes.delete(seq);
        resolve(reply);
      };
      this.probes.set(seq, answer);
      this.post({ t: 'probe', seq }, () => answer({ quiescent: false }));
    });
  }

  /** Moves the environment's clock (and fires its due timers), or just wakes it after a probe. */
  advance(offset: number): void {
    this.post({ t: 'advance', offset });
  }

  resume(): void {
    this.post({ t: 'resume' });
  }

  /**
   * Sends a message unless the process is gone. A process can die between the check and the
   * write (a timeout kill, a crash): the write then fails with EPIPE, which the exit handler
   * already accounts for, so the failure goes to `onLost` instead of an unhandled 'error'.
   */
  private post(message: object, onLost?: () => void): void {
    if (!this.alive) {
      onLost?.();
      return;
    }
    this.child!.send(message, (error) => {
      if (error) onLost?.();
    });
  }

  /** Ends the process; the running invocation fails with `reason` as its error type. */
  kill(reason: string): void {
    if (!this.child || this.exited || this.killed) return;
    this.killed = true;
    this.exitReason = reason;
    this.child.kill('SIGKILL');
  }
}
