import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { ComponentStatusRecord, ComponentStatusStore } from '../../core/health/component-events';
import { isConditionFailed } from './condition-failed';
import { batchGet, compact, timerSleep, versionCondition, withoutKeys } from './dynamodb-items';

/** A component's record outlives its last change by this long, so removed components age out. */
const RETENTION_SECONDS = 30 * 86_400;

/**
 * The last published status of each component in the state table: `pk = COMPONENT#<id>`,
 * `sk = STATUS`, with a `version` for optimistic concurrency and `expiresAt` for TTL. A stale
 * write fails on its condition and reports `false`.
 */
export class DynamoDbComponentStatusStore implements ComponentStatusStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly sleep: (ms: number) => Promise<void> = timerSleep,
  ) {}

  async load(components: readonly string[]): Promise<Map<string, ComponentStatusRecord>> {
    const keys = components.map((component) => ({ pk: `COMPONENT#${component}`, sk: 'STATUS' }));
    const items = await batchGet(this.client, this.tableName, keys, this.sleep);
    return new Map(
      items
        .map((item) => withoutKeys<ComponentStatusRecord>(item))
        .map((record) => [record.component, record]),
    );
  }

  async save(
    record: Omit<ComponentStatusRecord, 'version'>,
    expectedVersion: number | undefined,
  ): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: compact({
            component: record.component,
            status: record.status,
            since: record.since,
            pk: `COMPONENT#${record.component}`,
            sk: 'STATUS',
            version: (expectedVersion ?? 0) + 1,
            expiresAt: Math.ceil(record.since / 1000) + RETENTION_SECONDS,
          }),
          ...versionCondition(expectedVersion),
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailed(error)) return false;
      throw error;
    }
  }
}
