import { Agent, request } from 'node:http';

/** What the users do at a moment: requests per second, and how many retry a failure. */
export interface LoadShape {
  /** Requests per second sent now. */
  readonly rps: number;
  /** Retries per failed request (clients retrying at once: a retry surge). @default 0 */
  readonly retries?: number;
}

/** One second of the users' experience. */
export interface LoadSecond {
  readonly at: number;
  readonly sent: number;
  readonly ok: number;
  /** 5xx, connection errors and timeouts. */
  readonly failed: number;
  readonly p95Ms: number | undefined;
}

/** The service level objective the game day is judged by. */
export interface Slo {
  /** Share of requests answered without a 5xx or a connection error. @default 0.99 */
  readonly availability: number;
  /** 95th-percentile latency. @default 500 */
  readonly p95Ms: number;
}

/** The SLO the README states for the demo: 99 % of requests succeed, p95 under 500 ms. */
export const DEFAULT_SLO: Slo = { availability: 0.99, p95Ms: 500 };

const MAX_IN_FLIGHT = 256;
const TIMEOUT_MS = 5000;
const HISTORY_SECONDS = 3600;

/**
 * An open-loop load generator for the demo chat service: users post messages and read their
 * conversations at the rate the current shape says, whatever the answers (a closed loop would slow
 * down exactly when the service does, and hide the outage). Each second's results are kept for
 * the status page and the game-day report.
 */
export class LoadGenerator {
  private shape: LoadShape = { rps: 0 };
  private readonly agent = new Agent({ keepAlive: true, maxSockets: MAX_IN_FLIGHT });
  private timer: NodeJS.Timeout | undefined;
  private inFlight = 0;
  private current = { sent: 0, ok: 0, failed: 0, latencies: [] as number[] };
  readonly seconds: LoadSecond[] = [];
  private tick = 0;

  constructor(
    private readonly port: number,
    /** Distinct chats the users write to. @default 50 */
    private readonly chats = 50,
  ) {}

  /** The shape now. */
  get load(): LoadShape {
    return this.shape;
  }

  set load(shape: LoadShape) {
    this.shape = shape;
  }

  /** Sends in 100 ms slices; call {@link stop} to end. */
  start(): void {
    let carry = 0;
    let slices = 0;
    this.timer = setInterval(() => {
      carry += this.shape.rps / 10;
      const now = Math.floor(carry);
      carry -= now;
      for (let i = 0; i < now; i += 1) this.send(this.shape.retries ?? 0);
      slices += 1;
      if (slices % 10 === 0) this.closeSecond();
    }, 100);
  }

  stop(): void {
    clearInterval(this.timer);
    this.agent.destroy();
  }

  /** The last `seconds` seconds added up. */
  summary(seconds = 60): { rps: number; availability: number | undefined; p95Ms: number | undefined } {
    const recent = this.seconds.slice(-seconds);
    const sent = recent.reduce((sum, s) => sum + s.ok + s.failed, 0);
    const ok = recent.reduce((sum, s) => sum + s.ok, 0);
    const p95s = recent.flatMap((s) => (s.p95Ms === undefined ? [] : [s.p95Ms]));
    return {
      rps: recent.length === 0 ? 0 : Math.round(recent.reduce((sum, s) => sum + s.sent, 0) / recent.length),
      availability: sent === 0 ? undefined : ok / sent,
      p95Ms: p95s.length === 0 ? undefined : Math.max(...p95s),
    };
  }

  private closeSecond(): void {
    const { sent, ok, failed, latencies } = this.current;
    latencies.sort((a, b) => a - b);
    this.seconds.push({
      at: Date.now(),
      sent,
      ok,
      failed,
      p95Ms: latencies.length === 0 ? undefined : latencies[Math.floor(latencies.length * 0.95)],
    });
    if (this.seconds.length > HISTORY_SECONDS) this.seconds.shift();
    this.current = { sent: 0, ok: 0, failed: 0, latencies: [] };
  }

  private send(retriesLeft: number): void {
    // Past this many requests in flight a real client pool queues; here the request is lost.
    if (this.inFlight >= MAX_IN_FLIGHT) {
      this.current.sent += 1;
      this.current.failed += 1;
      return;
    }
    this.tick += 1;
    const chat = `user-${this.tick % this.chats}`;
    const write = this.tick % 4 === 0;
    const body = write ? JSON.stringify({ text: `message ${this.tick}` }) : undefined;
    const started = performance.now();
    this.inFlight += 1;
    this.current.sent += 1;
    let finished = false;
    const finish = (ok: boolean) => {
      if (finished) return;
      finished = true;
      this.inFlight -= 1;
      if (ok) {
        this.current.ok += 1;
        this.current.latencies.push(performance.now() - started);
      } else {
        this.current.failed += 1;
        if (retriesLeft > 0) this.send(retriesLeft - 1);
      }
    };
    const req = request(
      {
        host: '127.0.0.1',
        port: this.port,
        method: write ? 'POST' : 'GET',
        path: write ? `/chat/${chat}/messages` : `/chat/${chat}`,
        headers: body
          ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }
          : {},
        agent: this.agent,
        timeout: TIMEOUT_MS,
      },
      (res) => {
        res.resume();
        res.on('end', () => finish((res.statusCode ?? 500) < 500));
        res.on('error', () => finish(false));
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => finish(false));
    req.end(body);
  }
}
