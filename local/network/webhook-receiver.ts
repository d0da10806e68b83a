import type { ReceivedRequest, SiteAnswer } from './https-sites';

/** A message a chat or HTTPS endpoint received. */
export interface Delivery extends ReceivedRequest {
  /** The body parsed as JSON, when it is JSON. */
  readonly json?: unknown;
  /** What the receiver answered. */
  readonly status: number;
}

/** Local stand-ins for the chat webhooks (Slack, Teams) and HTTPS subscribers the platform posts to. */
export const WEBHOOK_HOSTS = {
  slack: 'hooks.slack.com',
  teams: 'misybot.webhook.office.com',
} as const;

/**
 * Receives webhook posts as Slack and Teams do (200 `ok` / 200 `1`), records every delivery, and
 * answers with failures when a scenario asks for them (an outage of one channel).
 */
export class WebhookReceiver {
  readonly deliveries: Delivery[] = [];
  private failures: { host: string; status: number; remaining: number }[] = [];

  /** The next `times` posts to `host` get `status` (e.g. 503, or 429 for rate limiting). */
  fail(host: string, status: number, times = Number.POSITIVE_INFINITY): void {
    this.failures.push({ host, status, remaining: times });
  }

  /** Ends every failure set with {@link fail}. */
  heal(): void {
    this.failures = [];
  }

  /** Deliveries to `host` that were accepted (2xx), oldest first. */
  accepted(host: string): Delivery[] {
    return this.deliveries.filter((d) => d.host === host && d.status < 300);
  }

  readonly handle = (request: ReceivedRequest): SiteAnswer => {
    const failure = this.failures.find((f) => f.host === request.host && f.remaining > 0);
    let answer: SiteAnswer;
    if (failure) {
      failure.remaining--;
      answer = {
        status: failure.status,
        body: failure.status === 429 ? 'rate_limited' : 'service unavailable',
      };
    } else if (request.host === WEBHOOK_HOSTS.teams) {
      answer = { status: 200, body: '1' };
    } else {
      answer = { status: 200, body: 'ok' };
    }
    let json: unknown;
    try {
      json = JSON.parse(request.body);
    } catch {
      json = undefined;
    }
    this.deliveries.push({ ...request, ...(json === undefined ? {} : { json }), status: answer.status });
    return answer;
  };
}
