import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type {
  DecisionRecord,
  FailureRecord,
  ScalingHistory,
  ScalingStateStore,
  StoredPolicy,
} from '../../../core/scaling/ports';
import type { PastRecommendation, ScalingActivity } from '../../../core/scaling/types';
import { isConditionFailed } from '../condition-failed';
import { compact } from '../dynamodb-items';

/**
 * The scaling function's items in the state table (see `lib/control-plane/state-table.ts`):
 *
 * | Item            | `pk`               | `sk`                          | TTL     |
 * | --------------- | ------------------ | ----------------------------- | ------- |
 * | decision        | `SCALING#<group>`  | `DECISION#<isoTime>#<event>`  | 30 days |
 * | latest decision | `SCALING#<group>`  | `LATEST`                      | –       |
 * | failed run      | `SCALING#<group>`  | `FAILURE#<isoTime>#<event>`   | 30 days |
 * | intended change | `SCALING#<group>`  | `INTENT`                      | 30 days |
 * | policy override | `SCALING#<group>`  | `POLICY`                      | –       |
 *
 * Decisions carry `time`, `recommendation` and the capacity change, so the recommendation history
 * the stabilisation windows need, and the engine's own actions the cooldowns fall back on, are a
 * key-range query over the decisions, not a second copy. Decisions and failures
 * are projected into `gsi1` (`SCALING` / `SCALING_FAILURE`) for the admin API's "latest across
 * groups". The override's `policy` attribute is the policy document as an operator wrote it.
 */
export class DynamoDbScalingStateStore implements ScalingStateStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** How long decisions and failures are kept. @default 30 days */
    private readonly retentionMs = 30 * 86_400_000,
  ) {}

  async loadPolicyOverride(group: string): Promise<StoredPolicy | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: pk(group), sk: 'POLICY' },
        ConsistentRead: true,
      }),
    );
    if (!Item) return undefined;
    return {
      document: Item.policy,
      ...(typeof Item.updatedAt === 'string' ? { updatedAt: Item.updatedAt } : {}),
      ...(typeof Item.updatedBy === 'string' ? { updatedBy: Item.updatedBy } : {}),
    };
  }

  async loadHistory(group: string, since: number): Promise<ScalingHistory> {
    const recommendations: PastRecommendation[] = [];
    const actions: ScalingActivity[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const output = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          ExpressionAttributeNames: { '#time': 'time', '#action': 'action', '#current': 'current' },
          ExpressionAttributeValues: {
            ':pk': pk(group),
            ':from': `DECISION#${iso(since)}`,
            // '~' sorts after every character of an ISO time and an event key.
            ':to': 'DECISION#~',
          },
          ProjectionExpression: '#time, recommendation, #action, #current, desired',
          ConsistentRead: true,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const item of output.Items ?? []) {
        if (typeof item.time !== 'number' || item.time <= since) continue;
        if (typeof item.recommendation === 'number') {
          recommendations.push({ time: item.time, recommendation: item.recommendation });
        }
        if (
          item.action === 'scaled' &&
          typeof item.current === 'number' &&
          typeof item.desired === 'number'
        ) {
          actions.push({ startTime: item.time, fromCapacity: item.current, toCapacity: item.desired });
        }
      }
      start = output.LastEvaluatedKey;
    } while (start);
    const [{ Item: latest }, { Item: intent }] = await Promise.all([
      this.client.send(
        new GetCommand({
          TableName: this.tableName,
          Key: { pk: pk(group), sk: 'LATEST' },
          ProjectionExpression: 'saturationWarnedAt',
          ConsistentRead: true,
        }),
      ),
      this.client.send(
        new GetCommand({
          TableName: this.tableName,
          Key: { pk: pk(group), sk: 'INTENT' },
          ProjectionExpression: 'startTime, fromCapacity, toCapacity',
          ConsistentRead: true,
        }),
      ),
    ]);
    const warnedAt = latest?.saturationWarnedAt;
    const intended = intendedChange(intent, since);
    return {
      recommendations,
      actions,
      ...(typeof warnedAt === 'number' ? { saturationWarnedAt: warnedAt } : {}),
      ...(intended ? { intendedChange: intended } : {}),
    };
  }

  async recordIntent(group: string, change: ScalingActivity, eventKey: string): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: pk(group),
          sk: 'INTENT',
          ...change,
          at: iso(change.startTime),
          eventKey,
          expiresAt: this.expiry(change.startTime),
        },
      }),
    );
  }

  async recordDecision(group: string, record: DecisionRecord): Promise<void> {
    const { decision } = record;
    const at = iso(decision.time);
    const body = compact({
      group,
      time: decision.time,
      at,
      current: decision.current,
      desired: decision.desired,
      direction: decision.direction,
      recommendation: decision.recommendation,
      saturated: decision.saturated,
      dryRun: decision.dryRun,
      summary: decision.explanation.summary,
      explanation: decision.explanation,
      eventKey: record.eventKey,
      trigger: record.trigger,
      reason: record.reason,
      action: record.action,
      actionError: record.actionError,
      policySource: record.policySource,
      skipped: record.skipped,
      saturationWarnedAt: record.saturationWarnedAt,
    });
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...body,
          pk: pk(group),
          sk: `DECISION#${at}#${record.eventKey}`,
          gsi1pk: 'SCALING',
          gsi1sk: at,
          expiresAt: this.expiry(decision.time),
        },
      }),
    );
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...body, pk: pk(group), sk: 'LATEST' },
          // A slower run that decided earlier must not replace a newer latest decision.
          ConditionExpression: 'attribute_not_exists(pk) OR #time <= :time',
          ExpressionAttributeNames: { '#time': 'time' },
          ExpressionAttributeValues: { ':time': decision.time },
        }),
      );
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
    }
  }

  async recordFailure(group: string, failure: FailureRecord): Promise<void> {
    const at = iso(failure.time);
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...compact({ group, ...failure, at }),
          pk: pk(group),
          sk: `FAILURE#${at}#${failure.eventKey}`,
          gsi1pk: 'SCALING_FAILURE',
          gsi1sk: at,
          expiresAt: this.expiry(failure.time),
        },
      }),
    );
  }

  private expiry(time: number): number {
    return Math.ceil((time + this.retentionMs) / 1000);
  }
}

const pk = (group: string) => `SCALING#${group}`;

/** The stored intended change when it is whole and after `since`. */
function intendedChange(
  item: Record<string, unknown> | undefined,
  since: number,
): ScalingActivity | undefined {
  const { startTime, fromCapacity, toCapacity } = item ?? {};
  if (typeof startTime !== 'number' || typeof fromCapacity !== 'number' || typeof toCapacity !== 'number')
    return undefined;
  return startTime > since ? { startTime, fromCapacity, toCapacity } : undefined;
}
const iso = (time: number) => new Date(time).toISOString();
