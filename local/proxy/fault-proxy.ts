import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { ACCOUNT_HEADER, OBSERVER_ACCESS_KEY } from '../account/aws-clients';
import type { VirtualClock } from '../clock/virtual-clock';
import { type AwsRequest, parseAwsRequest } from './aws-request';
import { awsError, type ProxyResponse, throttlingCode } from './aws-responses';
import type { FaultPlan } from './faults';

/**
 * Handles one operation instead of (or around) the emulator: a stand-in answers itself, a tap
 * calls `forward()` and acts on the answer. Registered per service and operation.
 */
export type Interceptor = (
  request: AwsRequest,
  forward: () => Promise<ProxyResponse>,
  caller: string | undefined,
) => Promise<ProxyResponse>;

/** One call a function made, as the proxy saw it. */
export interface ApiCall {
  readonly at: number;
  readonly service: string;
  readonly operation: string;
  readonly caller?: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly status: number;
  /** The fault injected, if any. */
  readonly fault?: string;
}

/** Where the proxy forwards and whom it reports to. */
export interface FaultProxyOptions {
  /** The emulator's URL (moto). */
  readonly upstream: string;
  readonly clock: VirtualClock;
  readonly faults: FaultPlan;
  /** The function an access key belongs to. */
  readonly callerOf: (accessKeyId: string) => string | undefined;
  /** The emulated account the calls go to (moto holds several). */
  readonly accountId: string;
}

/**
 * The AWS endpoint the emulated functions call (`AWS_ENDPOINT_URL`): injects the scenario's
 * faults per operation (throttling, 5xx, latency, connection resets), answers the operations
 * the emulator lacks or stubs through stand-ins, forwards the rest to moto, and lets the driver
 * tap what matters (SNS publishes, EventBridge events, Lambda invokes).
 */
export class FaultProxy {
  private server?: Server;
  private readonly interceptors = new Map<string, Interceptor[]>();
  private readonly listeners = new Set<(call: ApiCall) => void>();
  private readonly upstream: URL;

  constructor(private readonly options: FaultProxyOptions) {
    this.upstream = new URL(options.upstream);
  }

  /** Registers `interceptor` for `service:operation`; later registrations wrap earlier ones. */
  intercept(service: string, operation: string, interceptor: Interceptor): void {
    const key = `${service}:${operation}`;
    this.interceptors.set(key, [...(this.interceptors.get(key) ?? []), interceptor]);
  }

  /** Calls `listener` with every call a function made. */
  onCall(listener: (call: ApiCall) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Listens on a free loopback port; returns the endpoint URL. */
  async start(): Promise<string> {
    const server = createServer((req, res) => {
      void this.handle(req, res).catch((error: Error) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`emulator proxy error: ${error.message}`);
      });
    });
    server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const request = parseAwsRequest(req.method ?? 'GET', req.url ?? '/', req.headers, body);
    // The harness's own calls (world changes, assertions) are never faulted or logged.
    const observer = request.accessKeyId === OBSERVER_ACCESS_KEY;
    const caller = observer ? undefined : this.options.callerOf(request.accessKeyId);
    const forward = () => this.forward(req, body);
    const fault = observer ? undefined : this.options.faults.match(request, caller, this.options.clock.now());
    let response: ProxyResponse | undefined;
    if (fault?.kind === 'reset') {
      this.report(request, caller, 0, 'reset');
      req.socket.resetAndDestroy();
      return;
    }
    if (fault?.kind === 'latency') await new Promise((resolve) => setTimeout(resolve, fault.ms));
    if (fault?.kind === 'throttle') {
      response = awsError(
        request.protocol,
        request.protocol === 'rest-json' ? 429 : 400,
        fault.code ?? throttlingCode(request.protocol),
        'Rate exceeded',
      );
    } else if (fault?.kind === 'server-error') {
      const status = fault.status ?? 500;
      response = awsError(
        request.protocol,
        status,
        fault.code ?? (status === 503 ? 'ServiceUnavailable' : 'InternalFailure'),
        'We encountered an internal error. Please try again.',
      );
    } else {
      response = await this.chain(request, forward, caller);
    }
    if (!observer) this.report(request, caller, response.status, fault?.kind);
    res.writeHead(response.status, { ...response.headers, 'content-length': String(response.body.length) });
    res.end(response.body);
  }

  private chain(
    request: AwsRequest,
    forward: () => Promise<ProxyResponse>,
    caller: string | undefined,
  ): Promise<ProxyResponse> {
    const interceptors = this.interceptors.get(`${request.service}:${request.operation}`) ?? [];
    const call = interceptors.reduce<() => Promise<ProxyResponse>>(
      (next, interceptor) => () => interceptor(request, next, caller),
      forward,
    );
    return call();
  }

  private report(request: AwsRequest, caller: string | undefined, status: number, fault?: string): void {
    const call: ApiCall = {
      at: this.options.clock.now(),
      service: request.service,
      operation: request.operation,
      ...(caller ? { caller } : {}),
      params: request.params,
      status,
      ...(fault ? { fault } : {}),
    };
    for (const listener of this.listeners) listener(call);
  }

  private forward(req: IncomingMessage, body: Buffer): Promise<ProxyResponse> {
    return new Promise((resolve, reject) => {
      const upstream = httpRequest(
        {
          host: this.upstream.hostname,
          port: this.upstream.port,
          method: req.method,
          path: req.url,
          headers: {
            ...req.headers,
            host: this.upstream.host,
            'content-length': String(body.length),
            [ACCOUNT_HEADER]: this.options.accountId,
          },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => {
            const headers: Record<string, string> = {};
            for (const [name, value] of Object.entries(response.headers)) {
              if (
                value !== undefined &&
                !['content-length', 'connection', 'transfer-encoding', 'keep-alive'].includes(name)
              )
                headers[name] = Array.isArray(value) ? value.join(', ') : value;
            }
            resolve({ status: response.statusCode ?? 502, headers, body: Buffer.concat(chunks) });
          });
          response.on('error', reject);
        },
      );
      upstream.on('error', reject);
      upstream.end(body);
    });
  }
}
