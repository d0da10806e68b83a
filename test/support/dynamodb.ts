import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';

/** A DynamoDB-compatible server (dynalite) on loopback with the state table's key schema. */
export interface LocalDynamoDb {
  readonly client: DynamoDBDocumentClient;
  /** The low-level client under `client` (Powertools Idempotency takes one). */
  readonly raw: DynamoDBClient;
  readonly tableName: string;
  stop(): Promise<void>;
}

/**
 * Starts dynalite in memory on a free loopback port and creates a table keyed like the
 * StateTable construct (`pk`, `sk`), so adapters run their real conditional writes.
 */
export async function startLocalDynamoDb(tableName = 'misybot-state'): Promise<LocalDynamoDb> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const raw = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  await raw.send(
    new CreateTableCommand({
      TableName: tableName,
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  return {
    client: DynamoDBDocumentClient.from(raw),
    raw,
    tableName,
    async stop() {
      raw.destroy();
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
}
