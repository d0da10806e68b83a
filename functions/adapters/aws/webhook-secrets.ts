import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { WebhookUrlSource } from '../../core/alerting/chat-delivery';

/** A secret that does not hold a usable webhook URL. The message never includes the value. */
export class WebhookSecretError extends Error {
  override readonly name = 'WebhookSecretError';
}

/** Cache settings. */
export interface WebhookSecretsOptions {
  /** How long a URL is reused before the secret is read again (rotation takes effect after this). @default 300000 */
  readonly ttlMs?: number;
  /** @default Date.now */
  readonly now?: () => number;
}

/**
 * Webhook URLs from Secrets Manager, cached per secret for `ttlMs` at module scope (one read per
 * secret per warm environment, not one per message). Concurrent reads of the same secret share
 * one call; a failed read is not cached. The secret holds the URL as plain text, or as JSON
 * `{ "url": "https://…" }`; only `https:` URLs are accepted.
 */
export class SecretsManagerWebhookUrls implements WebhookUrlSource {
  private readonly cache = new Map<string, { expiresAt: number; url: Promise<string> }>();
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(
    private readonly client: SecretsManagerClient,
    options: WebhookSecretsOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? 300_000;
    this.now = options.now ?? Date.now;
  }

  url(secretId: string): Promise<string> {
    const now = this.now();
    const cached = this.cache.get(secretId);
    if (cached && cached.expiresAt > now) return cached.url;
    const url = this.read(secretId);
    this.cache.set(secretId, { expiresAt: now + this.ttlMs, url });
    url.catch(() => {
      if (this.cache.get(secretId)?.url === url) this.cache.delete(secretId);
    });
    return url;
  }

  private async read(secretId: string): Promise<string> {
    const output = await this.client.send(new GetSecretValueCommand({ SecretId: secretId }));
    const text = output.SecretString?.trim();
    if (!text) throw new WebhookSecretError(`secret ${secretId} has no string value`);
    let candidate = text;
    if (text.startsWith('{')) {
      try {
        const parsed = JSON.parse(text) as { url?: unknown };
        candidate = typeof parsed.url === 'string' ? parsed.url : '';
      } catch {
        candidate = '';
      }
    }
    let url: URL | undefined;
    try {
      url = new URL(candidate);
    } catch {
      url = undefined;
    }
    if (url?.protocol !== 'https:') {
      throw new WebhookSecretError(
        `secret ${secretId} does not hold an https:// webhook URL (plain text or {"url": "https://…"})`,
      );
    }
    return candidate;
  }
}
