import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { RegionStateConflictError, type RegionStateStore } from '../../../core/failover/region/ports';
import type { RegionFailoverState } from '../../../core/failover/region/types';

const PK = 'FAILOVER#region';
const TIMELINE_RETENTION_SECONDS = 400 * 86_400;
// A JSON round trip drops `undefined`, which the shared document client would reject.
const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/**
 * The region component's state in the state table (`FAILOVER#region` / `STATE`, guarded by
 * `version`), and each finished timeline (`TIMELINE#<detected ISO time>#<id>`, kept 400 days).
 * Only the standby region's function writes here: a conditional write is atomic in one region
 * only, and the global table settles concurrent writes from two regions by last writer.
 */
export class DynamoDbRegionStore implements RegionStateStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async load(): Promise<RegionFailoverState | undefined> {
    const response = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: PK, sk: 'STATE' }, ConsistentRead: true }),
    );
    const item = response.Item;
    if (!item) return undefined;
    return { ...(item.state as Omit<RegionFailoverState, 'version'>), version: item.version as number };
  }

  async save(state: RegionFailoverState, expectedVersion: number): Promise<RegionFailoverState> {
    const version = expectedVersion + 1;
    const { version: _ignored, ...body } = state;
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: PK,
            sk: 'STATE',
            version,
            activeRegion: state.activeRegion,
            updatedAt: new Date(state.updatedAt).toISOString(),
            state: plain(body),
          },
          ConditionExpression: 'attribute_not_exists(pk) OR version = :expected',
          ExpressionAttributeValues: { ':expected': expectedVersion },
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException)
        throw new RegionStateConflictError(expectedVersion, { cause: error });
      throw error;
    }
    const timeline = state.timeline;
    if (timeline && timeline.status !== 'running' && timeline.finishedAt === state.updatedAt) {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: PK,
            sk: `TIMELINE#${new Date(timeline.detectedAt).toISOString()}#${timeline.id}`,
            status: timeline.status,
            timeline: plain(timeline),
            expiresAt: Math.ceil(state.updatedAt / 1000) + TIMELINE_RETENTION_SECONDS,
          },
        }),
      );
    }
    return { ...state, version };
  }
}
