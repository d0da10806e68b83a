import type { BusHandlers, BusSubscription } from './port';

/** One client library's subscriber connection, as {@link followSubscription} drives it. */
export interface SubscriberConnection {
  /** The connection's events after which its subscription is lost until the next `ready`. */
  readonly lostOn: readonly string[];
  /** Adds a listener for `ready`, `error` or one of {@link lostOn}. */
  on(event: string, listener: () => void): void;
  /** Connects and subscribes; resolves once subscribed. */
  open(): Promise<void>;
  /** Unsubscribes and closes the connection. */
  close(): Promise<void>;
}

/**
 * Opens a subscriber connection and reports its state to `handlers`: live once subscribed, lost on
 * the library's disconnection events, live again on `ready` (both libraries re-subscribe by
 * themselves after reconnecting). Connection errors are the state changes; they are not rethrown.
 */
export async function followSubscription(
  connection: SubscriberConnection,
  handlers: BusHandlers,
): Promise<BusSubscription> {
  let subscribed = false;
  connection.on('error', () => undefined);
  for (const event of connection.lostOn) connection.on(event, () => handlers.state(false));
  connection.on('ready', () => {
    if (subscribed) handlers.state(true);
  });
  await connection.open();
  subscribed = true;
  handlers.state(true);
  return {
    async close() {
      subscribed = false;
      await connection.close();
    },
  };
}
