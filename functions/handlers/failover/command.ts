import type { FailoverEvent } from '../../core/failover/service';
import { FAILOVER_COMPONENTS } from '../../core/failover/types';
import { formatConfigIssues } from '../../shared/config/issues';
import * as z from '../../shared/config/zod';
import { InputError } from '../../shared/errors';

const requiredText = (what: string, min: number, max: number) =>
  z
    .string({ error: (issue) => (issue.input === undefined ? 'is required' : `must be ${what}`) })
    .check(
      z.trim(),
      z.minLength(min, `must hold ${min} to ${max} characters`),
      z.maxLength(max, `must hold ${min} to ${max} characters`),
    );

/**
 * A manual failover, failback or drill from the admin API. `dryRun` defaults to true: an
 * operator sees the plan and the guards' verdicts before anything changes. `requestId` is the
 * idempotency key: the same request delivered twice runs once.
 */
export const failoverCommandSchema = z.strictObject({
  component: z.enum(FAILOVER_COMPONENTS, { error: `must be one of ${FAILOVER_COMPONENTS.join(', ')}` }),
  action: z.enum(['failover', 'failback', 'drill'], { error: 'must be one of failover, failback, drill' }),
  dryRun: z._default(z.boolean({ error: 'must be true or false' }), true),
  reason: requiredText('a sentence saying why', 3, 500),
  requestedBy: requiredText('who asked (a user or role name)', 1, 200),
  requestId: z
    .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string') })
    .check(z.regex(/^[A-Za-z0-9._:@/-]{1,128}$/, 'must be 1 to 128 letters, digits or ._:@/- characters')),
  /** The standby to move to; the best one passing every pre-check when absent. */
  target: z.optional(
    z.string().check(z.regex(/^[A-Za-z0-9._:-]{1,128}$/, 'must be an instance, node or record identifier')),
  ),
});

/** The command as the admin API sends it (`dryRun` may be left out). */
export type FailoverCommandInput = z.input<typeof failoverCommandSchema>;

/**
 * Validates a direct invocation and turns it into the engine's command event.
 * @throws {InputError} naming every field that is wrong; nothing has been done at that point.
 */
export function parseFailoverCommand(raw: unknown): Extract<FailoverEvent, { kind: 'command' }> {
  const result = failoverCommandSchema.safeParse(raw);
  if (!result.success) {
    const problems = formatConfigIssues(result.error.issues, raw);
    throw new InputError(`Invalid failover command:\n${problems.map((p) => `  - ${p}`).join('\n')}`, {
      cause: result.error,
    });
  }
  const command = result.data;
  return {
    kind: 'command',
    id: `command:${command.requestId}`,
    component: command.component,
    command: command.action,
    dryRun: command.dryRun,
    reason: command.reason,
    requestedBy: command.requestedBy,
    ...(command.target ? { target: command.target } : {}),
  };
}
