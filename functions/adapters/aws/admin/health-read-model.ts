import { type DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { AdminReadModel } from '../../../core/admin/ports';
import type { Incident } from '../../../core/alerting/incident';
import type { Silence } from '../../../core/alerting/silences';
import type { CheckState } from '../../../core/health/state-machine';
import type { DynamoDbAlertRules } from '../alert-rules-store';
import type { DynamoDbCheckStateStore } from '../check-state-store';
import { type Item, withoutKeys } from '../dynamodb-items';
import type { DynamoDbIncidentStore } from '../incident-store';

const HEALTH_INCIDENT_ID = /^([a-z][a-z0-9-]{0,39})@(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)$/;

/**
 * The health side of the admin API's reads, over the health-check function's own stores: check
 * states (`CHECK#<id>` / `STATE`), incidents (`INCIDENT#<component>` / `CURRENT` and
 * `HISTORY#<opened>`) and silences (`SILENCE` / `<id>`).
 */
export class DynamoDbAdminReadModel implements AdminReadModel {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly stores: {
      readonly checkStates: Pick<DynamoDbCheckStateStore, 'load'>;
      readonly incidents: Pick<DynamoDbIncidentStore, 'loadCurrent'>;
      readonly alertRules: Pick<DynamoDbAlertRules, 'silencesNotEnded'>;
    },
  ) {}

  checkStates(checkIds: readonly string[]): Promise<ReadonlyMap<string, CheckState>> {
    return this.stores.checkStates.load(checkIds);
  }

  async healthIncidents(components: readonly string[], limit: number): Promise<Incident[]> {
    const current = await this.stores.incidents.loadCurrent(components);
    const histories = await Promise.all(components.map((component) => this.history(component, limit)));
    // The current item of a resolved incident is also its newest history item.
    const byId = new Map<string, Incident>();
    for (const incident of [...histories.flat(), ...current.values()]) byId.set(incident.id, incident);
    return [...byId.values()].sort((a, b) => b.openedAt - a.openedAt).slice(0, limit);
  }

  async healthIncident(id: string): Promise<Incident | undefined> {
    const match = HEALTH_INCIDENT_ID.exec(id);
    if (!match) return undefined;
    const [, component, opened] = match;
    const current = (await this.stores.incidents.loadCurrent([component!])).get(component!);
    if (current?.id === id) return current;
    const { Item: item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: `INCIDENT#${component}`, sk: `HISTORY#${opened}` },
      }),
    );
    return item ? withoutKeys<Incident>(item as Item) : undefined;
  }

  silences(now: number): Promise<Silence[]> {
    return this.stores.alertRules.silencesNotEnded(now);
  }

  private async history(component: string, limit: number): Promise<Incident[]> {
    const output = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :history)',
        ExpressionAttributeValues: { ':pk': `INCIDENT#${component}`, ':history': 'HISTORY#' },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (output.Items ?? []).map((item) => withoutKeys<Incident>(item as Item));
  }
}
