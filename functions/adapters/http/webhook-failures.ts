import { WebhookSecretError } from '../aws/webhook-secrets';
import { WebhookDeliveryError } from './webhook-poster';

/** Secrets Manager answers that a retry of the same read cannot change. */
const PERMANENT_SECRET_ERRORS: ReadonlySet<string> = new Set([
  'ResourceNotFoundException',
  'AccessDeniedException',
  'DecryptionFailure',
]);

/**
 * True when posting to a chat channel failed in a way a retry cannot help: its secret holds no
 * usable URL or cannot be read, or the channel refused the message (a 4xx other than 429).
 */
export function isPermanentWebhookFailure(error: Error): boolean {
  if (error instanceof WebhookSecretError) return true;
  if (error instanceof WebhookDeliveryError) {
    return error.status !== undefined && error.status >= 400 && error.status < 500 && error.status !== 429;
  }
  return PERMANENT_SECRET_ERRORS.has(error.name);
}
