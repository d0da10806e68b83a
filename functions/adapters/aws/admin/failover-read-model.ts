import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { FailoverReadModel } from '../../../core/admin/ports';
import type { FailoverStateStore } from '../../../core/failover/ports';
import {
  type Component,
  FAILOVER_COMPONENTS,
  type FailoverState,
  type Incident,
  initialState,
} from '../../../core/failover/types';

const MAX_PAGES = 10;

/**
 * The failover side of the admin API's reads: each component's state through the failover
 * function's own store, and its incidents: the open one inside the state item, the closed ones
 * as `FAILOVER#<component>` / `INCIDENT#<detected>#<id>` items.
 */
export class DynamoDbFailoverReadModel implements FailoverReadModel {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly store: Pick<FailoverStateStore, 'load'>,
    private readonly now: () => number = Date.now,
  ) {}

  async states(components: readonly Component[]): Promise<FailoverState[]> {
    return Promise.all(
      components.map(
        async (component) => (await this.store.load(component)) ?? initialState(component, this.now()),
      ),
    );
  }

  async incidents(components: readonly Component[], limit: number): Promise<Incident[]> {
    const [states, closed] = await Promise.all([
      this.states(components),
      Promise.all(components.map((component) => this.closed(component, limit))),
    ]);
    const byId = new Map<string, Incident>();
    for (const incident of closed.flat()) byId.set(incident.id, incident);
    for (const state of states) if (state.incident) byId.set(state.incident.id, state.incident);
    return [...byId.values()].sort((a, b) => b.detectedAt - a.detectedAt).slice(0, limit);
  }

  async incident(id: string): Promise<Incident | undefined> {
    const component = FAILOVER_COMPONENTS.find((candidate) => id.startsWith(`${candidate}-`));
    if (!component) return undefined;
    const state = await this.store.load(component);
    if (state?.incident?.id === id) return state.incident;
    let start: Record<string, unknown> | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const output = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :incident)',
          FilterExpression: '#incident.#id = :id',
          ExpressionAttributeNames: { '#incident': 'incident', '#id': 'id' },
          ExpressionAttributeValues: { ':pk': `FAILOVER#${component}`, ':incident': 'INCIDENT#', ':id': id },
          ScanIndexForward: false,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      const found = output.Items?.[0];
      if (found) return found.incident as Incident;
      start = output.LastEvaluatedKey;
      if (!start) return undefined;
    }
    return undefined;
  }

  private async closed(component: Component, limit: number): Promise<Incident[]> {
    const output = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :incident)',
        ExpressionAttributeValues: { ':pk': `FAILOVER#${component}`, ':incident': 'INCIDENT#' },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (output.Items ?? [])
      .map((item) => item.incident as Incident)
      .filter((incident) => incident !== undefined);
  }
}
