import type { IdempotencyConfig } from '@aws-lambda-powertools/idempotency';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import type { Idempotency, Once, OnceRequest } from '../../core/runs/idempotency';

/** Options of {@link PowertoolsIdempotency}. */
export interface PowertoolsIdempotencyOptions {
  /** The function (or API) whose records these are: their partition, `IDEMPOTENCY#<scope>`. */
  readonly scope: string;
  /** How long a completed record answers duplicates, in seconds. @default 93600 (26 h: EventBridge retries for 24) */
  readonly retentionSeconds?: number;
  /** Refuse a key reused with another fingerprint (the admin API). @default false */
  readonly validateFingerprint?: boolean;
}

/** The payload Powertools hashes: the key, and the fingerprint it validates. */
interface Payload {
  readonly key: string;
  readonly fingerprint: string;
}

const ERRORS = {
  inProgress: 'IdempotencyAlreadyInProgressError',
  mismatch: 'IdempotencyValidationError',
} as const;

/**
 * {@link Idempotency} as Powertools Idempotency over the state table. Records live under
 * `pk = IDEMPOTENCY#<scope>`, `sk = <scope>#<md5 of the key>`, with Powertools' `status`, `data`
 * (the stored value), `validation` (the fingerprint's hash), `in_progress_expiration` (the run's
 * deadline, ms) and `expiresAt` (the table's TTL attribute, s). Powertools writes the in-progress
 * record with a condition (absent, expired, or in progress past its deadline), completes it with
 * the value, and deletes it when the work throws; this class turns its errors into a {@link Once}.
 */
export class PowertoolsIdempotency implements Idempotency {
  private powertools?: {
    readonly config: IdempotencyConfig;
    readonly run: (payload: Payload, work: () => Promise<unknown>) => Promise<unknown>;
  };

  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    private readonly options: PowertoolsIdempotencyOptions,
  ) {}

  /**
   * Powertools Idempotency and its JMESPath engine cost ~19 ms of CPU when they load: they load
   * with the first run that needs them, not in every cold start.
   */
  private load(): NonNullable<PowertoolsIdempotency['powertools']> {
    if (this.powertools) return this.powertools;
    const { IdempotencyConfig, makeIdempotent } =
      require('@aws-lambda-powertools/idempotency') as typeof import('@aws-lambda-powertools/idempotency');
    const { DynamoDBPersistenceLayer } =
      require('@aws-lambda-powertools/idempotency/dynamodb') as typeof import('@aws-lambda-powertools/idempotency/dynamodb');
    const config = new IdempotencyConfig({
      eventKeyJmesPath: 'key',
      expiresAfterSeconds: this.options.retentionSeconds ?? 93_600,
      throwOnNoIdempotencyKey: true,
      ...(this.options.validateFingerprint ? { payloadValidationJmesPath: 'fingerprint' } : {}),
    });
    const persistenceStore = new DynamoDBPersistenceLayer({
      tableName: this.tableName,
      keyAttr: 'pk',
      sortKeyAttr: 'sk',
      staticPkValue: `IDEMPOTENCY#${this.options.scope}`,
      expiryAttr: 'expiresAt',
      awsSdkV3Client: this.client,
    });
    const run = makeIdempotent(async (_payload: Payload, work: () => Promise<unknown>) => work(), {
      persistenceStore,
      config,
      keyPrefix: this.options.scope,
      dataIndexArgument: 0,
    });
    this.powertools = { config, run };
    return this.powertools;
  }

  async once<T>(request: OnceRequest, work: () => Promise<T>): Promise<Once<T>> {
    const powertools = this.load();
    // Powertools sets the in-progress expiry from the remaining time of the registered context.
    powertools.config.registerLambdaContext({
      getRemainingTimeInMillis: () => Math.max(1, request.deadline - Date.now()),
    } as Context);
    let step:
      | { kind: 'working' }
      | { kind: 'returned'; value: T }
      | { kind: 'threw'; error: unknown }
      | undefined;
    try {
      const value = await powertools.run(
        { key: request.key, fingerprint: request.fingerprint ?? '' },
        async () => {
          step = { kind: 'working' };
          try {
            // Stored as DynamoDB attributes: plain JSON only, no `undefined`.
            const result = JSON.parse(JSON.stringify((await work()) ?? null)) as T;
            step = { kind: 'returned', value: result };
            return result;
          } catch (error) {
            step = { kind: 'threw', error };
            throw error;
          }
        },
      );
      if (step === undefined) return { kind: 'replayed', value: value as T };
      return { kind: 'ran', value: value as T };
    } catch (error) {
      const current = step as typeof step;
      if (current?.kind === 'returned')
        return { kind: 'ran', value: current.value, completionError: (error as Error).cause ?? error };
      if (current?.kind === 'threw') {
        return error === current.error
          ? { kind: 'failed', error }
          : { kind: 'failed', error: current.error, releaseError: (error as Error).cause ?? error };
      }
      const name = error instanceof Error ? error.name : '';
      if (name === ERRORS.inProgress) return { kind: 'in-progress' };
      if (name === ERRORS.mismatch) return { kind: 'mismatch' };
      return { kind: 'unclaimed', error: (error as Error).cause ?? error };
    }
  }
}
