import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { LocalPlatform } from '../platform/local-platform';

/** A state-table item as stored. */
export type StateItem = Record<string, unknown> & { readonly pk: string; readonly sk: string };

/** The name of the deployed state table (the one table of the template). */
export function stateTableName(platform: LocalPlatform): string {
  return platform.model.only('AWS::DynamoDB::Table').physicalId;
}

/** Every item whose partition key starts with `prefix` (e.g. `SCALING#`, `FAILOVER#database`). */
export async function stateItems(platform: LocalPlatform, prefix: string): Promise<StateItem[]> {
  const items: StateItem[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await platform.emulator.documents.send(
      new ScanCommand({
        TableName: stateTableName(platform),
        FilterExpression: 'begins_with(pk, :prefix)',
        ExpressionAttributeValues: { ':prefix': prefix },
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    items.push(...((page.Items ?? []) as StateItem[]));
    start = page.LastEvaluatedKey;
  } while (start);
  return items.sort((a, b) => `${a.pk}\0${a.sk}`.localeCompare(`${b.pk}\0${b.sk}`));
}
