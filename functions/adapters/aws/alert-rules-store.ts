import { DeleteCommand, type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { AlertRules } from '../../core/alerting/service';
import {
  type Hold,
  type HoldReason,
  holdSchema,
  type Silence,
  silenceSchema,
} from '../../core/alerting/silences';
import { isConditionFailed } from './condition-failed';
import { compact, type Item, queryPartition, withoutKeys } from './dynamodb-items';

/** Expired silences and holds stay readable this long (for the admin API's history). */
const AFTERLIFE_SECONDS = 7 * 86_400;

/**
 * Silences and holds in the state table. Silences: `pk = SILENCE`, `sk = <silence id>`.
 * Holds: `pk = HOLD`, `sk = <component>#<reason>`, one per component and reason, written by the
 * failover and scaling engines with {@link setHold} and cleared with {@link clearHold}; `until`
 * bounds a hold whose engine died before clearing it. Both expire by TTL a week after they end.
 * Items that do not match the schema are skipped rather than failing the round.
 */
export class DynamoDbAlertRules implements AlertRules {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async activeSilences(now: number): Promise<Silence[]> {
    const items = await queryPartition(
      this.client,
      this.tableName,
      'SILENCE',
      'startsAt <= :now AND endsAt > :now',
      now,
    );
    return parsed(items, (item) => silenceSchema.safeParse(withoutKeys(item)));
  }

  async activeHolds(now: number): Promise<Hold[]> {
    const items = await queryPartition(
      this.client,
      this.tableName,
      'HOLD',
      'startedAt <= :now AND #until > :now',
      now,
      {
        '#until': 'until',
      },
    );
    return parsed(items, (item) => holdSchema.safeParse(withoutKeys(item)));
  }

  /** Creates or replaces a silence. */
  async putSilence(silence: Silence): Promise<void> {
    const valid = silenceSchema.parse(silence);
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: compact({
          ...valid,
          pk: 'SILENCE',
          sk: valid.id,
          expiresAt: Math.ceil(valid.endsAt / 1000) + AFTERLIFE_SECONDS,
        }),
      }),
    );
  }

  /** Silences that have not ended at `now`: active ones and those scheduled to start later. */
  async silencesNotEnded(now: number): Promise<Silence[]> {
    const items = await queryPartition(this.client, this.tableName, 'SILENCE', 'endsAt > :now', now);
    return parsed(items, (item) => silenceSchema.safeParse(withoutKeys(item)));
  }

  /** Deletes a silence. @returns false when there was none with that id. */
  async removeSilence(id: string): Promise<boolean> {
    try {
      await this.client.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { pk: 'SILENCE', sk: id },
          ConditionExpression: 'attribute_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailed(error)) return false;
      throw error;
    }
  }

  /** Holds a component's symptom alerts while an engine acts on it. */
  async setHold(hold: Hold): Promise<void> {
    const valid = holdSchema.parse(hold);
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: compact({
          ...valid,
          pk: 'HOLD',
          sk: `${valid.component}#${valid.reason}`,
          expiresAt: Math.ceil(valid.until / 1000) + AFTERLIFE_SECONDS,
        }),
      }),
    );
  }

  /** Ends a hold; alerts held meanwhile are summarised or sent on the next round. */
  async clearHold(component: string, reason: HoldReason): Promise<void> {
    await this.client.send(
      new DeleteCommand({ TableName: this.tableName, Key: { pk: 'HOLD', sk: `${component}#${reason}` } }),
    );
  }
}

function parsed<T>(items: readonly Item[], parse: (item: Item) => { success: boolean; data?: T }): T[] {
  return items.flatMap((item) => {
    const result = parse(item);
    return result.success && result.data !== undefined ? [result.data] : [];
  });
}
