import {
  Agent,
  createServer,
  type IncomingMessage,
  request,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

/** A target as the load balancer sees it. */
export interface TargetView {
  readonly id: string;
  readonly port: number;
  readonly state: 'initial' | 'healthy' | 'unhealthy' | 'draining';
  readonly outstanding: number;
  readonly requests: number;
  readonly errors: number;
}

/** The load balancer's health checking. */
export interface LoadBalancerOptions {
  /** @default '/health' */
  readonly healthPath?: string;
  /** @default 5000 */
  readonly intervalMs?: number;
  /** Failed checks in a row before a target is unhealthy. @default 2 */
  readonly unhealthyThreshold?: number;
  /** Passed checks in a row before a target is healthy. @default 2 */
  readonly healthyThreshold?: number;
  /** @default 2000 */
  readonly timeoutMs?: number;
}

interface Target {
  readonly id: string;
  readonly port: number;
  state: TargetView['state'];
  passes: number;
  failures: number;
  outstanding: number;
  requests: number;
  errors: number;
}

/**
 * The fleet's load balancer on one machine: an HTTP reverse proxy over the instances' ports
 * with the ALB's target life cycle (`initial` until the healthy threshold, `unhealthy` after the
 * unhealthy threshold, `draining` once deregistered) and its `least_outstanding_requests`
 * routing. With no healthy target it answers 503, as an ALB does.
 */
export class LocalLoadBalancer {
  private readonly targets = new Map<string, Target>();
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 64 });
  private server: Server | undefined;
  private timer: NodeJS.Timeout | undefined;
  private turn = 0;
  private readonly o: Required<LoadBalancerOptions>;

  constructor(options: LoadBalancerOptions = {}) {
    this.o = {
      healthPath: '/health',
      intervalMs: 5000,
      unhealthyThreshold: 2,
      healthyThreshold: 2,
      timeoutMs: 2000,
      ...options,
    };
  }

  /** Listens on a free loopback port and starts health checking; returns the port. */
  async start(): Promise<number> {
    const server = createServer((req, res) => this.route(req, res));
    server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    this.timer = setInterval(() => void this.checkAll(), this.o.intervalMs);
    return (server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.agent.destroy();
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  register(id: string, port: number): void {
    if (this.targets.has(id)) return;
    this.targets.set(id, {
      id,
      port,
      state: 'initial',
      passes: 0,
      failures: 0,
      outstanding: 0,
      requests: 0,
      errors: 0,
    });
    void this.check(this.targets.get(id)!);
  }

  /** Takes the target out of rotation at once; it is forgotten when `forget` is called. */
  deregister(id: string): void {
    const target = this.targets.get(id);
    if (target) target.state = 'draining';
  }

  forget(id: string): void {
    this.targets.delete(id);
  }

  /** Every target with its state and counters. */
  view(): TargetView[] {
    return [...this.targets.values()].map(({ passes: _p, failures: _f, ...view }) => ({ ...view }));
  }

  /** Targets in rotation. */
  healthy(): number {
    return [...this.targets.values()].filter((t) => t.state === 'healthy').length;
  }

  private async checkAll(): Promise<void> {
    await Promise.all([...this.targets.values()].map((target) => this.check(target)));
  }

  private async check(target: Target): Promise<void> {
    if (target.state === 'draining') return;
    const ok = await this.probe(target.port);
    if (ok) {
      target.failures = 0;
      target.passes += 1;
      if (target.state !== 'healthy' && target.passes >= this.o.healthyThreshold) target.state = 'healthy';
      // A first check that passes serves at once: the instance only starts once it answers.
      if (target.state === 'initial') target.state = 'healthy';
    } else {
      target.passes = 0;
      target.failures += 1;
      if (target.failures >= this.o.unhealthyThreshold) target.state = 'unhealthy';
    }
  }

  private probe(port: number): Promise<boolean> {
    return new Promise((resolve) => {
      const req = request(
        { host: '127.0.0.1', port, path: this.o.healthPath, timeout: this.o.timeoutMs, agent: false },
        (res) => {
          res.resume();
          resolve(res.statusCode === 200);
        },
      );
      req.on('timeout', () => req.destroy());
      req.on('error', () => resolve(false));
      req.end();
    });
  }

  /** Least outstanding requests; ties go round robin, so an idle fleet still shares the load. */
  private pick(): Target | undefined {
    const healthy = [...this.targets.values()].filter((target) => target.state === 'healthy');
    if (healthy.length === 0) return undefined;
    const least = Math.min(...healthy.map((target) => target.outstanding));
    const tied = healthy.filter((target) => target.outstanding === least);
    this.turn = (this.turn + 1) % tied.length;
    return tied[this.turn];
  }

  private route(req: IncomingMessage, res: ServerResponse): void {
    const target = this.pick();
    if (!target) {
      res.writeHead(503, { 'content-type': 'text/plain' });
      res.end('503 Service Temporarily Unavailable');
      return;
    }
    target.outstanding += 1;
    target.requests += 1;
    let settled = false;
    const done = (failed: boolean) => {
      if (settled) return;
      settled = true;
      target.outstanding -= 1;
      if (failed) target.errors += 1;
    };
    const upstream = request(
      {
        host: '127.0.0.1',
        port: target.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
        agent: this.agent,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        answer.on('end', () => done((answer.statusCode ?? 502) >= 500));
        answer.on('error', () => done(true));
      },
    );
    upstream.on('error', () => {
      done(true);
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end('502 Bad Gateway');
    });
    // A client that gave up takes its request with it: one still queued for a connection is not
    // sent, one in flight is cut. Kept, a queue of requests nobody waits for any more holds the
    // live ones behind it, and an overload becomes an outage that outlasts the load.
    res.on('close', () => {
      if (settled) return;
      done(false);
      upstream.destroy();
    });
    req.pipe(upstream);
  }
}
