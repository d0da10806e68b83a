import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { timerSleep } from '../../adapters/aws/dynamodb-items';
import { PowertoolsIdempotency } from '../../adapters/aws/powertools-idempotency';
import { SecretsManagerWebhookUrls } from '../../adapters/aws/webhook-secrets';
import { isPermanentWebhookFailure } from '../../adapters/http/webhook-failures';
import { postWebhook } from '../../adapters/http/webhook-poster';
import { logger, metrics, tracer } from '../../shared/powertools';
import type { FormatterDeps } from './handler';
import type { FormatterSettings } from './settings';

/**
 * The formatter's wiring. The secrets cache lives as long as the execution environment, which is
 * what makes it worth having; the delivery records live in the state table.
 */
export function createFormatterDependencies(settings: FormatterSettings): FormatterDeps {
  const secrets = tracer.captureAWSv3Client(new SecretsManagerClient({ maxAttempts: 4 }));
  const dynamodb = tracer.captureAWSv3Client(new DynamoDBClient({ maxAttempts: 4 }));
  return {
    settings,
    urls: new SecretsManagerWebhookUrls(secrets),
    post: (url, body) => postWebhook(url, body),
    isPermanent: isPermanentWebhookFailure,
    run: {
      // Lambda retries an asynchronous invoke for up to six hours: a day covers every retry.
      idempotency: new PowertoolsIdempotency(dynamodb, settings.stateTable, {
        scope: 'alert-formatter',
        retentionSeconds: 86_400,
      }),
      clock: Date.now,
      sleep: timerSleep,
      random: Math.random,
    },
    log: logger,
    metrics,
  };
}
