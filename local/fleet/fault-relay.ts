import { connect, createServer, type Server, type Socket } from 'node:net';

/** How the relay treats traffic. */
export type RelayMode =
  | { readonly kind: 'pass' }
  /** Every chunk, both ways, waits this long: a slow network or an overloaded node. */
  | { readonly kind: 'slow'; readonly delayMs: number }
  /** New connections are refused and open ones are cut: the server behind is down. */
  | { readonly kind: 'down' };

/**
 * A TCP relay between the demo fleet and a server (Redis, PostgreSQL) that can slow or cut the
 * traffic, so a fault reaches the services through their real clients: timeouts, reconnects,
 * fail-open caching and 5xx, not a flag the service reads.
 */
export class FaultRelay {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private current: RelayMode = { kind: 'pass' };

  constructor(
    private target: { readonly host: string; readonly port: number },
    readonly name: string,
  ) {}

  /** Where new connections go now. */
  get upstream(): { readonly host: string; readonly port: number } {
    return this.target;
  }

  /**
   * Sends new connections to another server (the promoted database) and cuts the open ones, which
   * belong to the old server: clients reconnect, as they do when a DNS name moves to a new writer.
   */
  switchTo(target: { readonly host: string; readonly port: number }): void {
    if (target.host === this.target.host && target.port === this.target.port) return;
    this.target = target;
    for (const socket of this.sockets) socket.destroy();
  }

  /** The relay's mode now. */
  get mode(): RelayMode {
    return this.current;
  }

  /** Changes the mode; `down` also cuts every open connection. */
  setMode(mode: RelayMode): void {
    this.current = mode;
    if (mode.kind === 'down') for (const socket of this.sockets) socket.destroy();
  }

  /** Listens on a free loopback port; returns it. */
  async start(): Promise<number> {
    const server = createServer((client) => this.relay(client));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    const address = server.address();
    return typeof address === 'object' && address ? address.port : 0;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private relay(client: Socket): void {
    if (this.current.kind === 'down') {
      client.destroy();
      return;
    }
    const upstream = connect(this.target);
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => undefined);
    }
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    this.pipe(client, upstream);
    this.pipe(upstream, client);
  }

  /** Forwards in order; while slow, each chunk waits its delay behind the chunks before it. */
  private pipe(from: Socket, to: Socket): void {
    let queue = Promise.resolve();
    from.on('data', (chunk: Buffer) => {
      const mode = this.current;
      if (mode.kind === 'pass') {
        queue = queue.then(() => void to.write(chunk));
        return;
      }
      if (mode.kind === 'down') return;
      queue = queue.then(
        () =>
          new Promise<void>((resolve) =>
            setTimeout(() => {
              if (!to.destroyed) to.write(chunk);
              resolve();
            }, mode.delayMs),
          ),
      );
    });
  }
}
