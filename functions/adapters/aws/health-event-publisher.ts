import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { ComponentHealthChanged, HealthEventPublisher } from '../../core/health/component-events';

/** The `source` of every health event; rules match on it. */
export const HEALTH_EVENT_SOURCE = 'misybot.ha.health';
/** The `detail-type` of a component status change. */
export const COMPONENT_HEALTH_CHANGED = 'Component Health Changed';

// PutEvents takes at most 10 entries per call.
const BATCH_SIZE = 10;

/** Some entries of a PutEvents call were not accepted. */
export class HealthEventPublishError extends Error {
  override readonly name = 'HealthEventPublishError';
}

/**
 * Puts component changes on an EventBridge bus (the account's default one unless named), ten
 * per call. Any entry EventBridge did not accept makes the whole publish reject, so the caller
 * retries the lot (receivers see a change at least once).
 */
export class EventBridgeHealthEventPublisher implements HealthEventPublisher {
  constructor(
    private readonly client: EventBridgeClient,
    private readonly eventBusName?: string,
  ) {}

  async publish(events: readonly ComponentHealthChanged[]): Promise<void> {
    for (let offset = 0; offset < events.length; offset += BATCH_SIZE) {
      const batch = events.slice(offset, offset + BATCH_SIZE);
      const output = await this.client.send(
        new PutEventsCommand({
          Entries: batch.map((event) => ({
            Source: HEALTH_EVENT_SOURCE,
            DetailType: COMPONENT_HEALTH_CHANGED,
            Detail: JSON.stringify(event),
            Time: new Date(event.at),
            ...(this.eventBusName ? { EventBusName: this.eventBusName } : {}),
          })),
        }),
      );
      const failed = (output.Entries ?? [])
        .map((entry, index) => ({ entry, event: batch[index]! }))
        .filter(({ entry }) => entry.ErrorCode !== undefined);
      if ((output.FailedEntryCount ?? 0) > 0 || failed.length > 0) {
        const why = failed
          .map(({ entry, event }) =>
            `${event.component}: ${entry.ErrorCode} ${entry.ErrorMessage ?? ''}`.trim(),
          )
          .join('; ');
        throw new HealthEventPublishError(
          `${output.FailedEntryCount ?? failed.length} of ${batch.length} health event(s) not accepted${why ? `: ${why}` : ''}`,
        );
      }
    }
  }
}
