import { type DynamoDBDocumentClient, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Incident } from '../../core/alerting/incident';
import type { IncidentStore } from '../../core/alerting/service';
import { isConditionFailed } from './condition-failed';
import { batchGet, compact, timerSleep, versionCondition, withoutKeys } from './dynamodb-items';

/** Resolved incidents stay in the history this long. @default 90 days */
const HISTORY_SECONDS = 90 * 86_400;

/**
 * Incidents in the state table. Each component's current incident (open, or the last resolved
 * one) is `pk = INCIDENT#<component>`, `sk = CURRENT`, written conditionally on `version`. On
 * resolution the same transaction adds `sk = HISTORY#<opened ISO time>`, kept for 90 days.
 */
export class DynamoDbIncidentStore implements IncidentStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly sleep: (ms: number) => Promise<void> = timerSleep,
  ) {}

  async loadCurrent(components: readonly string[]): Promise<Map<string, Incident>> {
    const keys = components.map((component) => ({ pk: `INCIDENT#${component}`, sk: 'CURRENT' }));
    const items = await batchGet(this.client, this.tableName, keys, this.sleep);
    return new Map(
      items.map((item) => withoutKeys<Incident>(item)).map((incident) => [incident.component, incident]),
    );
  }

  async save(incident: Incident, expectedVersion: number | undefined): Promise<boolean> {
    const version = (expectedVersion ?? 0) + 1;
    const current = {
      TableName: this.tableName,
      Item: compact({ ...incident, pk: `INCIDENT#${incident.component}`, sk: 'CURRENT', version }),
      ...versionCondition(expectedVersion),
    };
    try {
      if (incident.state !== 'resolved') {
        await this.client.send(new PutCommand(current));
        return true;
      }
      const history = {
        TableName: this.tableName,
        Item: compact({
          ...incident,
          pk: `INCIDENT#${incident.component}`,
          sk: `HISTORY#${new Date(incident.openedAt).toISOString()}`,
          version,
          expiresAt: Math.ceil((incident.resolvedAt ?? incident.updatedAt) / 1000) + HISTORY_SECONDS,
        }),
      };
      await this.client.send(
        new TransactWriteCommand({ TransactItems: [{ Put: current }, { Put: history }] }),
      );
      return true;
    } catch (error) {
      if (isConditionFailed(error) || isConditionCancelled(error)) return false;
      throw error;
    }
  }
}

/** A transaction cancelled because a condition failed (not because of a conflict or throttling). */
function isConditionCancelled(error: unknown): boolean {
  const e = error as { name?: string; CancellationReasons?: { Code?: string }[] };
  return (
    e?.name === 'TransactionCanceledException' &&
    (e.CancellationReasons ?? []).some((reason) => reason.Code === 'ConditionalCheckFailed')
  );
}
