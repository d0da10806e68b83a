import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type LiveControlPlane, UnknownFaultError } from './live-control-plane';
import { type LiveStatus, liveStatus } from './status';
import { STATUS_PAGE } from './status-page';

/** How often the page is sent a fresh status. @default 2000 */
const PUSH_MS = 2000;
const FAULT_PATH = /^\/api\/faults\/([a-z0-9-]{1,40})$/;

/**
 * The status page's server: `GET /` the page, `GET /api/status` the status as JSON,
 * `GET /api/events` the same as server-sent events every 2 seconds, `POST /api/faults/<name>`
 * injects a fault. Loopback only: it drives the local platform, nothing else.
 */
export class StatusServer {
  private server: Server | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly streams = new Set<ServerResponse>();
  private latest: LiveStatus | undefined;
  private refreshing: Promise<LiveStatus> | undefined;

  constructor(private readonly live: LiveControlPlane) {}

  /** Listens on `port` of 127.0.0.1 (0 for a free one); returns the URL. */
  async start(port: number): Promise<string> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch(() => {
        if (!res.headersSent) send(res, 500, { error: 'the status could not be read; see the terminal' });
        else res.end();
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', resolve);
    });
    this.server = server;
    this.timer = setInterval(() => void this.push(), PUSH_MS);
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    for (const stream of this.streams) stream.end();
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private refresh(): Promise<LiveStatus> {
    this.refreshing ??= liveStatus(this.live)
      .then((status) => {
        this.latest = status;
        return status;
      })
      .finally(() => {
        this.refreshing = undefined;
      });
    return this.refreshing;
  }

  private async push(): Promise<void> {
    if (this.streams.size === 0) return;
    const status = await this.refresh().catch(() => this.latest);
    if (!status) return;
    const frame = `event: status\ndata: ${JSON.stringify(status)}\n\n`;
    for (const stream of this.streams) stream.write(frame);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0]!;
    if (req.method === 'GET' && path === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(STATUS_PAGE);
      return;
    }
    if (req.method === 'GET' && path === '/api/status') return send(res, 200, await this.refresh());
    if (req.method === 'GET' && path === '/api/events') {
      res.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-store',
        connection: 'keep-alive',
      });
      this.streams.add(res);
      req.on('close', () => this.streams.delete(res));
      const status = this.latest ?? (await this.refresh());
      res.write(`event: status\ndata: ${JSON.stringify(status)}\n\n`);
      return;
    }
    const fault = FAULT_PATH.exec(path);
    if (fault) {
      if (req.method !== 'POST')
        return send(res, 405, { error: `${req.method} is not allowed on ${path}; use POST` });
      try {
        const record = this.live.inject(fault[1]!);
        void this.push();
        return send(res, 202, record);
      } catch (error) {
        if (error instanceof UnknownFaultError) return send(res, 404, { error: error.message });
        throw error;
      }
    }
    return send(res, 404, { error: `no route ${req.method} ${path}` });
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
