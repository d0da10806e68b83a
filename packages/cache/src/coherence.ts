import { CacheBusError, type CacheError } from './errors';
import type { CallGuard } from './guard';
import type { BusNotice, BusSubscription, CacheBus } from './port';

/** Which L1 entries of namespace `n` are no longer current. */
export type BusChange =
  /** Keys written or deleted. */
  | { readonly n: string; readonly k: readonly string[] }
  /** The whole namespace invalidated or cleared. */
  | { readonly n: string; readonly all: true }
  /** Entries carrying these tags invalidated. */
  | { readonly n: string; readonly t: readonly string[] };

/** What one instance tells the others: a change, signed with its instance id `i`. */
export type BusMessage = BusChange & { readonly i: string };

/** What {@link Coherence} is built from. */
export interface CoherenceOptions {
  readonly bus: CacheBus | undefined;
  readonly channel: string;
  /** This instance's id: its own messages are ignored. */
  readonly instanceId: string;
  /**
   * The bus publishes through the cache's own client, so a write can carry its notice in its own
   * pipeline, ordered after it ({@link Coherence.notice}).
   */
  readonly sharesClient: boolean;
  readonly guard: CallGuard;
  readonly report: (error: CacheError) => void;
  /** Applies another instance's message to the L1s. */
  readonly apply: (message: BusMessage) => void;
  /** Empties every L1: the subscription was lost or is back (messages may have been missed). */
  readonly reset: () => void;
}

const RESUBSCRIBE_DELAY_MS = 1000;

/**
 * Keeps the L1s of all instances coherent over a Redis pub/sub bus, as bentocache does: every change
 * an instance makes in Redis is published, and every instance drops the L1 entries it names.
 *
 * Delivery is at most once, so L1 is trusted only while the subscription is live: when it is lost,
 * L1 is emptied and bypassed, and emptied again when the subscription is back.
 */
export class Coherence {
  private readonly o: CoherenceOptions;
  private subscription: BusSubscription | undefined;
  private live = false;
  private closed = false;
  private readyWaiters: (() => void)[] = [];

  constructor(options: CoherenceOptions) {
    this.o = options;
    if (options.bus) void this.subscribe(options.bus);
  }

  /** Whether L1 may be read and filled: the subscription is live. */
  get connected(): boolean {
    return this.live;
  }

  /** Resolves once the subscription is live (at once without a bus: there is nothing to wait for). */
  ready(): Promise<void> {
    if (this.live || !this.o.bus || this.closed) return Promise.resolve();
    return new Promise((resolve) => this.readyWaiters.push(resolve));
  }

  private async subscribe(bus: CacheBus): Promise<void> {
    while (!this.closed) {
      try {
        this.subscription = await bus.subscribe(this.o.channel, {
          message: (text) => this.receive(text),
          state: (connected) => this.state(connected),
        });
        if (this.closed) await this.subscription.close();
        return;
      } catch (cause) {
        this.o.report(
          new CacheBusError('cannot subscribe to the invalidation bus', '*', 'subscribe', { cause }),
        );
        await new Promise((resolve) => setTimeout(resolve, RESUBSCRIBE_DELAY_MS).unref());
      }
    }
  }

  private state(connected: boolean): void {
    if (connected === this.live) return;
    this.live = connected;
    this.o.reset();
    if (!connected) {
      this.o.report(new CacheBusError('invalidation bus subscription lost: L1 bypassed', '*', 'subscribe'));
      return;
    }
    const waiters = this.readyWaiters;
    this.readyWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private receive(text: string): void {
    let message: BusMessage;
    try {
      message = JSON.parse(text) as BusMessage;
    } catch {
      return;
    }
    if (typeof message !== 'object' || message === null || message.i === this.o.instanceId) return;
    this.o.apply(message);
  }

  private text(change: BusChange): string {
    return JSON.stringify({ i: this.o.instanceId, ...change });
  }

  /**
   * `change` as a notice for the pipeline of the write that makes it, or `undefined` when the bus
   * publishes elsewhere (then {@link publish} it once the write is done). Sent with the write, the
   * other instances hear of it one round trip sooner, and never before the write has run.
   */
  notice(change: BusChange): BusNotice | undefined {
    if (!this.o.bus || !this.o.sharesClient) return undefined;
    return { channel: this.o.channel, message: this.text(change) };
  }

  /** Tells the other instances; a failure is reported (their L1 then catches up within `maxAgeMs`). */
  publish(message: BusChange): void {
    const bus = this.o.bus;
    if (!bus) return;
    const text = this.text(message);
    void this.o.guard
      .run('*', 'publish', () => bus.publish(this.o.channel, text))
      .then((sent) => {
        if (!sent.ok) {
          const error = new CacheBusError(
            `invalidation not published: ${sent.error.message}`,
            message.n,
            'publish',
            {
              cause: sent.error,
            },
          );
          this.o.report(error);
        }
      });
  }

  /** Unsubscribes; L1 is bypassed from now on. */
  async close(): Promise<void> {
    this.closed = true;
    this.live = false;
    this.o.reset();
    for (const resolve of this.readyWaiters) resolve();
    this.readyWaiters = [];
    await this.subscription?.close();
  }
}
