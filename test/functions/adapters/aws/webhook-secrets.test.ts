import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { SecretsManagerWebhookUrls } from '../../../../functions/adapters/aws/webhook-secrets';
import { named, throttled } from './aws-fixtures';

const client = new SecretsManagerClient({ region: 'eu-west-1', maxAttempts: 1 });
const secrets = mockClient(client);
const ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:misybot/slack';
const URL = 'https://hooks.slack.com/services/T0/B0/very-secret';

beforeEach(() => secrets.reset());

describe('SecretsManagerWebhookUrls', () => {
  it('reads a plain-text URL once and reuses it until the TTL passes', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: `${URL}\n` });
    let now = 0;
    const urls = new SecretsManagerWebhookUrls(client, { ttlMs: 60_000, now: () => now });
    expect(await Promise.all([urls.url(ARN), urls.url(ARN)])).toEqual([URL, URL]);
    now = 59_999;
    await urls.url(ARN);
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    expect(secrets.commandCalls(GetSecretValueCommand)[0]!.args[0].input).toEqual({ SecretId: ARN });
    now = 60_000;
    await urls.url(ARN);
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it('accepts JSON {"url": …}', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ url: URL }) });
    expect(await new SecretsManagerWebhookUrls(client).url(ARN)).toBe(URL);
  });

  it('refuses a value that is not an https URL without repeating the value', async () => {
    const urls = new SecretsManagerWebhookUrls(client);
    for (const value of [
      'http://hooks.example.com/leaky-secret',
      '{"webhook":"leaky-secret"}',
      'leaky-secret',
    ]) {
      secrets.reset();
      secrets.on(GetSecretValueCommand).resolves({ SecretString: value });
      const error = await urls.url(ARN).catch((e: Error) => e);
      expect(error).toMatchObject({ name: 'WebhookSecretError' });
      expect((error as Error).message).toContain(ARN);
      expect((error as Error).message).not.toContain('leaky-secret');
    }
  });

  it('does not cache a failed read', async () => {
    secrets.on(GetSecretValueCommand).rejectsOnce(throttled()).resolves({ SecretString: URL });
    const urls = new SecretsManagerWebhookUrls(client);
    await expect(urls.url(ARN)).rejects.toThrow('Rate exceeded');
    expect(await urls.url(ARN)).toBe(URL);
  });

  it('lets a missing secret surface with its SDK name', async () => {
    secrets.on(GetSecretValueCommand).rejects(named('ResourceNotFoundException', "can't find the secret"));
    await expect(new SecretsManagerWebhookUrls(client).url(ARN)).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
  });
});
