import { BatchGetCommand, type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';

/**
 * Reading helpers for the state table shared by the health and alerting stores: batched gets
 * that follow `UnprocessedKeys`, and queries that follow `LastEvaluatedKey`.
 */

/** A table item: `pk`/`sk` strings plus attributes. */
export type Item = Record<string, unknown> & { pk: string; sk: string };

const BATCH_SIZE = 100;
const MAX_UNPROCESSED_ROUNDS = 5;

/** Thrown when DynamoDB keeps returning keys unprocessed (sustained throttling). */
export class UnprocessedKeysError extends Error {
  override readonly name = 'UnprocessedKeysError';
}

/** Gets every key (any order), retrying unprocessed keys with a short backoff. */
export async function batchGet(
  client: DynamoDBDocumentClient,
  tableName: string,
  keys: readonly { pk: string; sk: string }[],
  sleep: (ms: number) => Promise<void>,
): Promise<Item[]> {
  const items: Item[] = [];
  for (let offset = 0; offset < keys.length; offset += BATCH_SIZE) {
    let pending: Record<string, unknown>[] = keys.slice(offset, offset + BATCH_SIZE).map((k) => ({ ...k }));
    for (let round = 0; pending.length > 0; round++) {
      if (round >= MAX_UNPROCESSED_ROUNDS) {
        throw new UnprocessedKeysError(
          `${pending.length} key(s) still unprocessed after ${round} BatchGetItem calls`,
        );
      }
      if (round > 0) await sleep(50 * 2 ** round);
      const output = await client.send(
        new BatchGetCommand({ RequestItems: { [tableName]: { Keys: pending, ConsistentRead: true } } }),
      );
      items.push(...((output.Responses?.[tableName] ?? []) as Item[]));
      pending = (output.UnprocessedKeys?.[tableName]?.Keys ?? []) as Record<string, unknown>[];
    }
  }
  return items;
}

/** Every item of a partition that passes `filter` (a FilterExpression with `:now`). */
export async function queryPartition(
  client: DynamoDBDocumentClient,
  tableName: string,
  pk: string,
  filter: string,
  now: number,
  names?: Readonly<Record<string, string>>,
): Promise<Item[]> {
  const items: Item[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const output = await client.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk',
        FilterExpression: filter,
        ExpressionAttributeValues: { ':pk': pk, ':now': now },
        ...(names ? { ExpressionAttributeNames: { ...names } } : {}),
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    items.push(...((output.Items ?? []) as Item[]));
    start = output.LastEvaluatedKey;
  } while (start);
  return items;
}

/** Drops `undefined` (DynamoDB rejects it) and the table's own key and TTL attributes. */
export function withoutKeys<T>(item: Item): T {
  const { pk: _pk, sk: _sk, expiresAt: _ttl, ...rest } = item;
  return rest as T;
}

/** A plain-data copy without `undefined` values. */
export function compact<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** The condition for "the stored version is still the one read" (or "none stored"). */
export function versionCondition(expectedVersion: number | undefined) {
  return expectedVersion === undefined
    ? { ConditionExpression: 'attribute_not_exists(pk)' }
    : {
        ConditionExpression: '#version = :expected',
        ExpressionAttributeNames: { '#version': 'version' },
        ExpressionAttributeValues: { ':expected': expectedVersion },
      };
}

/** The default pause between BatchGetItem retries. */
export const timerSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
