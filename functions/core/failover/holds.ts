import type { Hold, HoldReason } from '../alerting/silences';
import type { StructuredLog } from '../log';
import type { FailoverActions } from './ports';
import type { FailoverResult } from './service';
import type { Component, Phase } from './types';

/** Writes and ends alert holds (the state table's `HOLD` items in production). */
export interface HoldWriter {
  setHold(hold: Hold): Promise<void>;
  clearHold(component: string, reason: HoldReason): Promise<void>;
}

/** What one run does with the holds of its component. */
export interface RunHolds {
  /** `actions`, setting the hold once, before the run's first resource action. */
  readonly actions: FailoverActions;
  /** Keeps the hold while the operation is in flight; ends it once the component settled or the run failed. */
  settle(result: FailoverResult): Promise<void>;
}

const IN_FLIGHT: readonly Phase[] = ['failing-over', 'failing-back'];

/**
 * The `failover` holds on the health engine's components while their failover component switches,
 * so the health function holds and summarises the symptoms instead of paging for them. A hold ends
 * at the operation's lease: a run that dies before ending it cannot silence alerts for longer than
 * the next run would wait before taking the operation over.
 */
export class FailoverHolds {
  private readonly held = new Map<Component, string[]>();

  constructor(
    private readonly writer: HoldWriter,
    /** Health component → failover component, as the function is configured. */
    componentMap: Readonly<Record<string, Component>>,
    private readonly leaseSeconds: number,
    /** Where the holds' failures are reported; they never fail the run. */
    private readonly log: Pick<StructuredLog, 'warn'>,
  ) {
    for (const [health, component] of Object.entries(componentMap))
      this.held.set(component, [...(this.held.get(component) ?? []), health]);
  }

  /** The health components whose alerts are held while `component` fails over. */
  heldFor(component: Component): readonly string[] {
    return this.held.get(component) ?? [];
  }

  /** The holds of one run on `component`; `owner` is the run's request id, `clock` its time. */
  forRun(component: Component, owner: string, actions: FailoverActions, clock: () => number): RunHolds {
    let setting: Promise<void> | undefined;
    const hold = () => {
      setting ??= this.write(component, 'set', (health) => {
        const now = clock();
        return this.writer.setHold({
          component: health,
          reason: 'failover',
          startedAt: now,
          until: now + this.leaseSeconds * 1000,
          setBy: `failover ${component} ${owner}`,
        });
      });
      return setting;
    };
    return {
      actions: {
        execute: async (action, deadline) => {
          await hold();
          return actions.execute(action, deadline);
        },
      },
      settle: async (result) => {
        if (result.status !== 'executed') return;
        const inFlight = result.phase !== undefined && IN_FLIGHT.includes(result.phase);
        if (inFlight && result.verdict !== 'failed') {
          await hold();
          return;
        }
        await this.write(component, 'clear', (health) => this.writer.clearHold(health, 'failover'));
      },
    };
  }

  private async write(
    component: Component,
    verb: 'set' | 'clear',
    write: (health: string) => Promise<void>,
  ): Promise<void> {
    await Promise.all(
      this.heldFor(component).map(async (health) => {
        try {
          await write(health);
        } catch (error) {
          // Holds only spare the on-call symptom pages; the failover must go on without them.
          this.log.warn(`failover ${component}: could not ${verb} the alert hold on ${health}`, {
            component,
            healthComponent: health,
            error,
          });
        }
      }),
    );
  }
}
