import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { CheckStateStore } from '../../core/health/service';
import type { CheckState } from '../../core/health/state-machine';
import { isConditionFailed } from './condition-failed';
import { batchGet, compact, timerSleep, versionCondition, withoutKeys } from './dynamodb-items';

/** Check states are kept this long after their last result, so removed checks age out. */
const RETENTION_SECONDS = 30 * 86_400;

/**
 * Check states in the state table: `pk = CHECK#<check id>`, `sk = STATE`, a `version` attribute
 * for optimistic concurrency and `expiresAt` (epoch seconds) for TTL. A stale write fails on
 * its condition and reports `false`; the core re-reads and re-applies the round.
 */
export class DynamoDbCheckStateStore implements CheckStateStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly sleep: (ms: number) => Promise<void> = timerSleep,
  ) {}

  async load(checkIds: readonly string[]): Promise<Map<string, CheckState>> {
    const keys = checkIds.map((id) => ({ pk: `CHECK#${id}`, sk: 'STATE' }));
    const items = await batchGet(this.client, this.tableName, keys, this.sleep);
    return new Map(items.map((item) => withoutKeys<CheckState>(item)).map((state) => [state.checkId, state]));
  }

  async save(state: CheckState, expectedVersion: number | undefined): Promise<boolean> {
    const lastSeen = state.lastResult?.at ?? state.since;
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: compact({
            ...state,
            pk: `CHECK#${state.checkId}`,
            sk: 'STATE',
            version: (expectedVersion ?? 0) + 1,
            expiresAt: Math.ceil(lastSeen / 1000) + RETENTION_SECONDS,
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
