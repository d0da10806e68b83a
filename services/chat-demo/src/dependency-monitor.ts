/** A dependency probe: resolves when the dependency answers, rejects when it does not. */
export type Probe = () => Promise<unknown>;

/** What the last probe of a dependency found: public, so it names no host, port or error. */
export type DependencyState =
  | { readonly status: 'up'; readonly latencyMs: number }
  | { readonly status: 'down' };

/** The dependencies' last known states, kept fresh in the background. */
export interface DependencyMonitor {
  /** The last round's states, at once: the health endpoint answers without waiting on anything. */
  states(): Readonly<Record<string, DependencyState>>;
  /** Resolves when the first round is done. */
  readonly ready: Promise<void>;
  stop(): void;
}

export interface DependencyMonitorOptions {
  /** @default 5000 */
  readonly intervalMs?: number;
  /** A probe that has not answered in this time is down. @default 1000 */
  readonly timeoutMs?: number;
}

async function probeWithin(probe: Probe, timeoutMs: number): Promise<DependencyState> {
  const start = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      probe(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { status: 'up', latencyMs: Math.round(performance.now() - start) };
  } catch {
    return { status: 'down' };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Probes every dependency each `intervalMs`, one round at a time, and keeps what the last round
 * found. The load balancer's health check then reads a state instead of running probes: under
 * load, probes run inline queue behind the requests in flight (the event loop and the database
 * pool are busy with them), the health check times out, and the load balancer takes a busy but
 * working instance out of rotation, which piles its traffic on the others until they go too.
 */
export function monitorDependencies(
  probes: Readonly<Record<string, Probe>>,
  options: DependencyMonitorOptions = {},
): DependencyMonitor {
  const intervalMs = options.intervalMs ?? 5000;
  const timeoutMs = options.timeoutMs ?? 1000;
  let states: Record<string, DependencyState> = {};
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const round = async () => {
    const entries = await Promise.all(
      Object.entries(probes).map(
        async ([name, probe]) => [name, await probeWithin(probe, timeoutMs)] as const,
      ),
    );
    states = Object.fromEntries(entries);
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => void round().finally(schedule), intervalMs);
    timer.unref();
  };
  const ready = round().finally(schedule);
  return {
    states: () => states,
    ready,
    stop: () => {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
