import type { ChatChannel } from '../../core/alerting/chat-delivery';
import type { Severity } from '../../core/alerting/notification';
import * as z from '../../shared/config/zod';
import { readEnv } from '../../shared/env';
import { ConfigError } from '../../shared/errors';

/** What the formatter function is deployed with. */
export interface FormatterSettings {
  readonly webhooks: readonly ChatChannel[];
  /** Severity of each alert topic, by ARN: alarms and other producers' messages carry none. */
  readonly topicSeverities: ReadonlyMap<string, Severity>;
  /** The state table, where each delivery's record is kept. */
  readonly stateTable: string;
}

const webhooksSchema = z
  .array(
    z.strictObject({
      severity: z.enum(['critical', 'warning', 'info']),
      protocol: z.enum(['slack', 'teams']),
      secretArn: z
        .string()
        .check(
          z.regex(
            /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$/,
            'must be a secret ARN',
          ),
        ),
    }),
  )
  .check(z.minLength(1));

/**
 * Reads `WEBHOOKS` (JSON `[{ severity, protocol, secretArn }]`), the three topic ARNs and
 * `STATE_TABLE`.
 * @throws {ConfigError} naming the variable and the field.
 */
export function readFormatterSettings(env: NodeJS.ProcessEnv): FormatterSettings {
  const vars = readEnv(
    ['WEBHOOKS', 'CRITICAL_TOPIC_ARN', 'WARNING_TOPIC_ARN', 'INFO_TOPIC_ARN', 'STATE_TABLE'] as const,
    env,
  );
  let json: unknown;
  try {
    json = JSON.parse(vars.WEBHOOKS);
  } catch (error) {
    throw new ConfigError('Lambda environment', [`WEBHOOKS: must be JSON (${(error as Error).message})`], {
      cause: error,
    });
  }
  const parsed = webhooksSchema.safeParse(json);
  if (!parsed.success) {
    throw new ConfigError(
      'Lambda environment',
      parsed.error.issues.map(
        (issue) => `WEBHOOKS${issue.path.map((p) => `[${String(p)}]`).join('')}: ${issue.message}`,
      ),
      { cause: parsed.error },
    );
  }
  return {
    webhooks: parsed.data,
    topicSeverities: new Map<string, Severity>([
      [vars.CRITICAL_TOPIC_ARN, 'critical'],
      [vars.WARNING_TOPIC_ARN, 'warning'],
      [vars.INFO_TOPIC_ARN, 'info'],
    ]),
    stateTable: vars.STATE_TABLE,
  };
}
