import { WebhookSecretError } from '../../../../functions/adapters/aws/webhook-secrets';
import { isPermanentWebhookFailure } from '../../../../functions/adapters/http/webhook-failures';
import { WebhookDeliveryError } from '../../../../functions/adapters/http/webhook-poster';

const named = (name: string) => Object.assign(new Error(name), { name });

describe('isPermanentWebhookFailure', () => {
  it('gives up on a secret without a usable URL and on a secret that cannot be read', () => {
    expect(isPermanentWebhookFailure(new WebhookSecretError('no https URL'))).toBe(true);
    for (const name of ['ResourceNotFoundException', 'AccessDeniedException', 'DecryptionFailure'])
      expect(isPermanentWebhookFailure(named(name))).toBe(true);
  });

  it('gives up on a channel that refused the message, but retries one that throttles', () => {
    expect(isPermanentWebhookFailure(new WebhookDeliveryError('gone', 1, 404))).toBe(true);
    expect(isPermanentWebhookFailure(new WebhookDeliveryError('bad body', 1, 400))).toBe(true);
    expect(isPermanentWebhookFailure(new WebhookDeliveryError('slow down', 4, 429))).toBe(false);
  });

  it('retries server errors, network errors and throttled secret reads', () => {
    expect(isPermanentWebhookFailure(new WebhookDeliveryError('down', 4, 503))).toBe(false);
    expect(isPermanentWebhookFailure(new WebhookDeliveryError('reset', 4, undefined))).toBe(false);
    expect(isPermanentWebhookFailure(named('ThrottlingException'))).toBe(false);
  });
});
