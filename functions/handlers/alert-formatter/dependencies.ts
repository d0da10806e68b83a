import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SecretsManagerWebhookUrls } from '../../adapters/aws/webhook-secrets';
import { postWebhook } from '../../adapters/http/webhook-poster';
import { logger, metrics, tracer } from '../../shared/powertools';
import { DeliveryMemo } from './delivery-memo';
import type { FormatterDeps } from './handler';
import type { FormatterSettings } from './settings';

/**
 * The formatter's wiring. The secrets cache and the delivery memo live as long as the execution
 * environment, which is what makes them worth having.
 */
export function createFormatterDependencies(settings: FormatterSettings): FormatterDeps {
  const secrets = tracer.captureAWSv3Client(new SecretsManagerClient({ maxAttempts: 4 }));
  return {
    settings,
    urls: new SecretsManagerWebhookUrls(secrets),
    post: (url, body) => postWebhook(url, body),
    delivered: new DeliveryMemo(),
    logger,
    metrics,
  };
}
