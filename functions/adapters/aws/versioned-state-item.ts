import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailed } from './condition-failed';

/**
 * The document client rejects `undefined` unless it was built with removeUndefinedValues, and the
 * client is shared: a JSON round trip drops them (the states hold only JSON values).
 */
export const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** Where one engine's state lives: its `STATE` item under `pk`, guarded by `version`. */
export interface VersionedStateItem {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly pk: string;
}

/** The stored state with its version, read consistently; `undefined` before the first save. */
export async function loadVersionedState<S extends { readonly version: number }>(
  item: VersionedStateItem,
): Promise<S | undefined> {
  const response = await item.client.send(
    new GetCommand({ TableName: item.tableName, Key: { pk: item.pk, sk: 'STATE' }, ConsistentRead: true }),
  );
  if (!response.Item) return undefined;
  return { ...(response.Item.state as Omit<S, 'version'>), version: response.Item.version as number } as S;
}

/**
 * Writes `state` as version `expectedVersion + 1` only if the stored one is still
 * `expectedVersion` (or absent); `attributes` are top-level copies for people reading the table.
 * @throws what `conflict` builds when another run wrote first.
 */
export async function saveVersionedState<S extends { readonly version: number; readonly updatedAt: number }>(
  item: VersionedStateItem,
  state: S,
  expectedVersion: number,
  attributes: Readonly<Record<string, unknown>>,
  conflict: (cause: unknown) => Error,
): Promise<S> {
  const version = expectedVersion + 1;
  const { version: _ignored, ...body } = state;
  try {
    await item.client.send(
      new PutCommand({
        TableName: item.tableName,
        Item: {
          pk: item.pk,
          sk: 'STATE',
          version,
          ...attributes,
          updatedAt: new Date(state.updatedAt).toISOString(),
          state: plain(body),
        },
        ConditionExpression: 'attribute_not_exists(pk) OR version = :expected',
        ExpressionAttributeValues: { ':expected': expectedVersion },
      }),
    );
  } catch (error) {
    if (isConditionFailed(error)) throw conflict(error);
    throw error;
  }
  return { ...state, version };
}
