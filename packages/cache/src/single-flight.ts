/**
 * In-process single-flight: concurrent calls for the same key share one promise, so one loader runs
 * per key per process however many requests miss at once.
 *
 * @example
 * ```ts
 * const flights = new SingleFlight<User>();
 * const user = await flights.run(`user:${id}`, () => db.loadUser(id));
 * ```
 */
export class SingleFlight<T> {
  private readonly inFlight = new Map<string, Promise<T>>();

  /** Joins the flight for `key`, or starts one with `fn`; the key is free again once it settles. */
  run(key: string, fn: () => Promise<T>): Promise<T> {
    const running = this.inFlight.get(key);
    if (running) return running;
    const started = (async () => {
      try {
        return await fn();
      } finally {
        this.inFlight.delete(key);
      }
    })();
    this.inFlight.set(key, started);
    return started;
  }

  /** Whether a flight for `key` is under way. */
  has(key: string): boolean {
    return this.inFlight.has(key);
  }

  /** How many flights are under way. */
  get size(): number {
    return this.inFlight.size;
  }
}
