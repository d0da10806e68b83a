import type { DemoFleet } from '../fleet/demo-fleet';
import type { FaultRelay } from '../fleet/fault-relay';
import type { LoadGenerator } from '../load/load-generator';
import type { LocalPlatform } from '../platform/local-platform';

/** What a fault acts on. */
export interface FaultTargets {
  readonly platform: LocalPlatform;
  readonly demo: DemoFleet;
  readonly load: LoadGenerator;
  readonly relays: { readonly cache: FaultRelay; readonly database: FaultRelay };
  /** The users' normal rate, requests per second. */
  readonly baseRps: number;
}

/** A fault the operator can inject from the page or a scenario. */
export interface FaultDefinition {
  readonly name: string;
  readonly title: string;
  /** What it does to the world, in a sentence. */
  readonly description: string;
  /** Starts the fault; the returned function ends it early (it also ends on its own). */
  start(targets: FaultTargets, ends: () => void): () => void;
}

const MINUTE = 60_000;

/** Runs `steps` of `[afterMs, action]`, then `ends`; returns the function that cancels the rest. */
function timeline(steps: readonly (readonly [number, () => void])[], ends: () => void): () => void {
  const timers = steps.map(([afterMs, action]) => setTimeout(action, afterMs));
  const last = Math.max(0, ...steps.map(([afterMs]) => afterMs));
  const done = setTimeout(ends, last + 1);
  return () => {
    for (const timer of [...timers, done]) clearTimeout(timer);
  };
}

/** Every fault the page offers, by name. */
export const FAULTS: readonly FaultDefinition[] = [
  {
    name: 'spike',
    title: 'Traffic spike',
    description: 'Four times the normal rate for 4 minutes.',
    start: ({ load, baseRps }, ends) => {
      load.load = { rps: baseRps * 4 };
      const cancel = timeline([[4 * MINUTE, () => (load.load = { rps: baseRps })]], ends);
      return () => {
        cancel();
        load.load = { rps: baseRps };
      };
    },
  },
  {
    name: 'ramp',
    title: 'Traffic ramp',
    description: 'The rate climbs to four times normal over 6 minutes, holds 2, then drops.',
    start: ({ load, baseRps }, ends) => {
      const steps: [number, () => void][] = [];
      for (let minute = 1; minute <= 6; minute += 1) {
        steps.push([(minute - 1) * MINUTE, () => (load.load = { rps: baseRps * (1 + minute / 2) })]);
      }
      steps.push([8 * MINUTE, () => (load.load = { rps: baseRps })]);
      const cancel = timeline(steps, ends);
      return () => {
        cancel();
        load.load = { rps: baseRps };
      };
    },
  },
  {
    name: 'outage-retry-surge',
    title: 'Outage with retry surge',
    description:
      'The database stops answering for 90 s while every client retries each failure 3 times; the retries keep coming for a minute after it is back.',
    start: ({ load, relays, baseRps }, ends) => {
      relays.database.setMode({ kind: 'down' });
      load.load = { rps: baseRps, retries: 3 };
      const restore = () => {
        relays.database.setMode({ kind: 'pass' });
      };
      const cancel = timeline(
        [
          [90_000, restore],
          [150_000, () => (load.load = { rps: baseRps })],
        ],
        ends,
      );
      return () => {
        cancel();
        restore();
        load.load = { rps: baseRps };
      };
    },
  },
  {
    name: 'kill-instance',
    title: 'Kill an instance',
    description: 'SIGKILL to the newest instance’s process; the group replaces it after 60 s.',
    start: ({ demo }, ends) => {
      demo.kill();
      return timeline([[0, () => undefined]], ends);
    },
  },
  {
    name: 'stop-db-writer',
    title: 'Stop the database writer',
    description:
      'The Aurora writer stops (the emulator reports it stopped) and the database stops answering until the control plane fails the cluster over; the old writer comes back 5 minutes later.',
    start: ({ platform, relays }, ends) => {
      let stopped = false;
      let writer: string | undefined;
      const watch = setInterval(() => {
        void platform.database.roles().then((roles) => {
          if (writer && roles.writer && roles.writer !== writer) relays.database.setMode({ kind: 'pass' });
        });
      }, 1000);
      void platform.database.roles().then(async (roles) => {
        writer = roles.writer;
        if (!writer || stopped) return;
        relays.database.setMode({ kind: 'down' });
        await platform.database.fail(writer);
      });
      const recover = () => {
        clearInterval(watch);
        relays.database.setMode({ kind: 'pass' });
        // Also called by Ctrl-C while the fault runs: the emulator may be gone before it answers.
        if (writer) platform.database.recover(writer).catch(() => undefined);
      };
      const cancel = timeline([[5 * MINUTE, recover]], ends);
      return () => {
        stopped = true;
        cancel();
        recover();
      };
    },
  },
  {
    name: 'slow-cache',
    title: 'Slow the cache',
    description: 'Every Redis packet waits 250 ms for 3 minutes.',
    start: ({ relays }, ends) => {
      relays.cache.setMode({ kind: 'slow', delayMs: 250 });
      const restore = () => relays.cache.setMode({ kind: 'pass' });
      const cancel = timeline([[3 * MINUTE, restore]], ends);
      return () => {
        cancel();
        restore();
      };
    },
  },
  {
    name: 'flap-endpoint',
    title: 'Flap the endpoint',
    description: 'The public endpoint answers 503 for 20 s, then 200 for 20 s, for 5 minutes.',
    start: ({ platform }, ends) => {
      const started = Date.now();
      const previous = platform.loadBalancerOverride;
      platform.loadBalancerOverride = (path, now) => {
        const down = Math.floor((Date.now() - started) / 20_000) % 2 === 0;
        return down ? { status: 503, body: '' } : previous?.(path, now);
      };
      const restore = () => {
        platform.loadBalancerOverride = previous;
      };
      const cancel = timeline([[5 * MINUTE, restore]], ends);
      return () => {
        cancel();
        restore();
      };
    },
  },
  {
    name: 'endpoint-down',
    title: 'Take the endpoint down',
    description:
      'The public endpoint answers 503 for 3 minutes: long enough for Route 53 to fail the name over.',
    start: ({ platform }, ends) => {
      const previous = platform.loadBalancerOverride;
      platform.loadBalancerOverride = () => ({ status: 503, body: '' });
      const restore = () => {
        platform.loadBalancerOverride = previous;
      };
      const cancel = timeline([[3 * MINUTE, restore]], ends);
      return () => {
        cancel();
        restore();
      };
    },
  },
  {
    name: 'aws-throttling',
    title: 'Inject AWS throttling',
    description: 'Half of every AWS call the functions make is throttled for 3 minutes.',
    start: ({ platform }, ends) => {
      const remove = platform.faults.add({
        name: 'aws-throttling (page)',
        fault: { kind: 'throttle' },
        probability: 0.5,
      });
      const cancel = timeline([[3 * MINUTE, remove]], ends);
      return () => {
        cancel();
        remove();
      };
    },
  },
];
