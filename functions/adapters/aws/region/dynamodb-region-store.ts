import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { RegionStateConflictError, type RegionStateStore } from '../../../core/failover/region/ports';
import type { RegionFailoverState } from '../../../core/failover/region/types';
import { loadVersionedState, plain, saveVersionedState } from '../versioned-state-item';

const PK = 'FAILOVER#region';
const TIMELINE_RETENTION_SECONDS = 400 * 86_400;

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

  private get stateItem() {
    return { client: this.client, tableName: this.tableName, pk: PK };
  }

  load(): Promise<RegionFailoverState | undefined> {
    return loadVersionedState<RegionFailoverState>(this.stateItem);
  }

  async save(state: RegionFailoverState, expectedVersion: number): Promise<RegionFailoverState> {
    const saved = await saveVersionedState(
      this.stateItem,
      state,
      expectedVersion,
      { activeRegion: state.activeRegion },
      (cause) => new RegionStateConflictError(expectedVersion, { cause }),
    );
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
    return saved;
  }
}
