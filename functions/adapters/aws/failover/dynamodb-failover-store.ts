import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { FailoverStateStore } from '../../../core/failover/ports';
import { StateConflictError } from '../../../core/failover/ports';
import type { Component, FailoverState, Incident } from '../../../core/failover/types';

/** Options of the state store. */
export interface FailoverStoreOptions {
  /** How long closed incidents stay in the table (TTL). @default 400 */
  readonly incidentRetentionDays?: number;
}

// The document client rejects `undefined` unless it was built with removeUndefinedValues, and
// the client is shared: a JSON round trip drops them (the state holds only JSON values).
const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/**
 * Failover state in the state table: one item per component (`FAILOVER#<component>` / `STATE`)
 * carrying a `version` number that every write checks, and one item per closed incident, kept
 * for the retention period through the table's `expiresAt` TTL.
 */
export class DynamoDbFailoverStore implements FailoverStateStore {
  private readonly retentionSeconds: number;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    options: FailoverStoreOptions = {},
  ) {
    this.retentionSeconds = (options.incidentRetentionDays ?? 400) * 86_400;
  }

  async load(component: Component): Promise<FailoverState | undefined> {
    const response = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: `FAILOVER#${component}`, sk: 'STATE' },
        ConsistentRead: true,
      }),
    );
    const item = response.Item;
    if (!item) return undefined;
    return { ...(item.state as Omit<FailoverState, 'version'>), version: item.version as number };
  }

  async save(state: FailoverState, expectedVersion: number): Promise<FailoverState> {
    const version = expectedVersion + 1;
    const { version: _ignored, ...body } = state;
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: `FAILOVER#${state.component}`,
            sk: 'STATE',
            version,
            phase: state.phase,
            updatedAt: new Date(state.updatedAt).toISOString(),
            state: plain(body),
          },
          ConditionExpression: 'attribute_not_exists(pk) OR version = :expected',
          ExpressionAttributeValues: { ':expected': expectedVersion },
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException)
        throw new StateConflictError(state.component, expectedVersion, { cause: error });
      throw error;
    }
    return { ...state, version };
  }

  async recordIncident(incident: Incident, now: number): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: `FAILOVER#${incident.component}`,
          sk: `INCIDENT#${new Date(incident.detectedAt).toISOString()}#${incident.id}`,
          status: incident.status,
          incident: plain(incident),
          expiresAt: Math.ceil(now / 1000) + this.retentionSeconds,
        },
      }),
    );
  }
}
