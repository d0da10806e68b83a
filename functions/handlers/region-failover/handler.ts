import type { Context } from 'aws-lambda';
import type {
  RegionFailoverDeps,
  RegionRunOutcome,
  RegionRunRequest,
} from '../../core/failover/region/service';
import { runRegionFailover } from '../../core/failover/region/service';
import type { RegionEngineSettings } from '../../core/failover/region/settings';
import { renderTimeline } from '../../core/failover/region/timeline';
import type { StructuredLog } from '../../core/log';
import { formatConfigIssues } from '../../shared/config/issues';
import * as z from '../../shared/config/zod';

/** An operator's command, from the CLI or a direct invoke; dry-run unless `execute` says otherwise. */
const commandSchema = z.strictObject({
  kind: z.literal('command'),
  id: z.string().check(z.minLength(8, 'must be a unique id of at least 8 characters')),
  command: z.enum(['switchover', 'failover', 'failback', 'drill']),
  execute: z._default(z.boolean(), false),
  confirm: z._default(z.boolean(), false),
  reason: z.string().check(z.minLength(3, 'must say why'), z.maxLength(500)),
  requestedBy: z.string().check(z.minLength(1), z.maxLength(200)),
});
const statusSchema = z.strictObject({ kind: z.literal('status'), id: z.string().check(z.minLength(8)) });
const requestSchema = z.discriminatedUnion('kind', [commandSchema, statusSchema]);

/** The EventBridge schedule's delivery: one observation per event id. */
function scheduledEventId(event: unknown): string | undefined {
  const e = event as { source?: unknown; id?: unknown } | null;
  return e?.source === 'aws.events' && typeof e.id === 'string' && e.id !== '' ? e.id : undefined;
}

/** What the function returns to the CLI: the outcome without SDK internals. */
export type RegionResponse =
  | { readonly ok: false; readonly error: string; readonly problems: readonly string[] }
  | ({ readonly ok: true; readonly timelineText?: string } & RegionRunOutcome);

/** What a handler invocation needs besides the event. */
export interface RegionHandlerWiring {
  readonly deps: Omit<RegionFailoverDeps, 'owner'>;
  readonly settings: RegionEngineSettings;
  readonly log: Pick<StructuredLog, 'info' | 'warn'>;
}

/**
 * Parses the event (schedule, command or status), runs the region engine once and maps the
 * outcome. Status is an observation in dry-run: it decides and explains, and changes nothing.
 */
export function createRegionHandler(wiring: RegionHandlerWiring) {
  return async (
    event: unknown,
    context: Pick<Context, 'awsRequestId' | 'getRemainingTimeInMillis'>,
  ): Promise<RegionResponse> => {
    const deps = { ...wiring.deps, owner: context.awsRequestId };
    const deadline = deps.clock() + context.getRemainingTimeInMillis();
    const scheduled = scheduledEventId(event);
    let run: RegionRunRequest;
    if (scheduled) {
      run = { id: `schedule#${scheduled}`, dryRun: false, request: { kind: 'observe' } };
    } else {
      const parsed = requestSchema.safeParse(event);
      if (!parsed.success) {
        const problems = formatConfigIssues(parsed.error.issues, event);
        wiring.log.warn('region failover event rejected', { problems });
        return { ok: false, error: 'invalid event', problems };
      }
      const input = parsed.data;
      run =
        input.kind === 'command'
          ? {
              id: `command#${input.id}`,
              dryRun: !input.execute,
              request: {
                kind: 'command',
                command: input.command,
                confirm: input.confirm,
                reason: input.reason,
                requestedBy: input.requestedBy,
              },
            }
          : { id: `status#${input.id}`, dryRun: true, request: { kind: 'observe' } };
    }
    const outcome = await runRegionFailover(deps, run, wiring.settings, deadline);
    wiring.log.info('region failover run', {
      run: run.id,
      dryRun: run.dryRun,
      status: outcome.status,
      record: outcome.record,
      ...('decision' in outcome
        ? {
            verdict: outcome.decision.verdict,
            explanation: outcome.decision.explanation,
            checks: outcome.decision.checks,
          }
        : {}),
    });
    const timeline = 'timeline' in outcome ? outcome.timeline : undefined;
    return { ok: true, ...outcome, ...(timeline ? { timelineText: renderTimeline(timeline) } : {}) };
  };
}
