import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { FailoverStateStore } from '../../../core/failover/ports';
import { StateConflictError } from '../../../core/failover/ports';
import type { Component, FailoverState, Incident } from '../../../core/failover/types';
import { loadVersionedState, plain, saveVersionedState } from '../versioned-state-item';

/** Options of the state store. */
export interface FailoverStoreOptions {
  /** How long closed incidents stay in the table (TTL). @default 400 */
  readonly incidentRetentionDays?: number;
}

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

  load(component: Component): Promise<FailoverState | undefined> {
    return loadVersionedState<FailoverState>(this.stateItem(component));
  }

  save(state: FailoverState, expectedVersion: number): Promise<FailoverState> {
    return saveVersionedState(
      this.stateItem(state.component),
      state,
      expectedVersion,
      { phase: state.phase },
      (cause) => new StateConflictError(state.component, expectedVersion, { cause }),
    );
  }

  private stateItem(component: Component) {
    return { client: this.client, tableName: this.tableName, pk: `FAILOVER#${component}` };
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
