/**
 * Posts JSON to Slack and Microsoft Teams incoming webhooks. The URL is a secret (anyone holding
 * it can post to the channel), so it never appears in an error, a log line or an error's cause:
 * only its origin does.
 */

/** Retry and timeout settings. */
export interface WebhookPosterOptions {
  /** Attempts in all, the first included. @default 4 */
  readonly maxAttempts?: number;
  /** First backoff; doubled per attempt, with full jitter. @default 500 */
  readonly baseDelayMs?: number;
  /** Cap on one backoff and on a server's Retry-After. @default 20000 */
  readonly maxDelayMs?: number;
  /** Per attempt. @default 5000 */
  readonly timeoutMs?: number;
  /** Injected for tests. @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  /** Injected for tests. @default a timer */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Uniform in [0, 1); injected for tests. @default Math.random */
  readonly random?: () => number;
}

/** How a delivery went. */
export interface WebhookDelivery {
  readonly status: number;
  readonly attempts: number;
}

/** A webhook delivery that failed for good; the message names the origin, never the full URL. */
export class WebhookDeliveryError extends Error {
  override readonly name = 'WebhookDeliveryError';

  constructor(
    message: string,
    readonly attempts: number,
    readonly status: number | undefined,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** `https://hooks.slack.com/services/T0/B0/secret` → `https://hooks.slack.com/…` */
export function redactUrl(url: string): string {
  try {
    return `${new URL(url).origin}/…`;
  } catch {
    return '(invalid webhook URL)';
  }
}

/** Posts `body` as JSON, retrying network errors, 429 and 5xx with backoff; 4xx fails at once. */
export async function postWebhook(
  url: string,
  body: unknown,
  options: WebhookPosterOptions = {},
): Promise<WebhookDelivery> {
  const maxAttempts = options.maxAttempts ?? 4;
  const baseDelayMs = options.baseDelayMs ?? 500;
  const maxDelayMs = options.maxDelayMs ?? 20_000;
  const timeoutMs = options.timeoutMs ?? 5000;
  const doFetch = options.fetch ?? globalThis.fetch;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = options.random ?? Math.random;
  const where = redactUrl(url);
  const payload = JSON.stringify(body);

  let lastStatus: number | undefined;
  let lastProblem = '';
  let lastCause: Error | undefined;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    let retryAfterMs: number | undefined;
    try {
      const response = await doFetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: payload,
        signal: AbortSignal.timeout(timeoutMs),
      });
      // Drain the body so the connection is released; its text may help diagnose a 4xx.
      const text = (await response.text().catch(() => '')).slice(0, 200);
      if (response.ok) return { status: response.status, attempts: attempt };
      lastStatus = response.status;
      lastProblem = `HTTP ${response.status}${text ? `: ${scrub(text, url)}` : ''}`;
      lastCause = undefined;
      if (response.status !== 429 && response.status < 500) {
        throw new WebhookDeliveryError(
          `webhook ${where} refused the message: ${lastProblem}`,
          attempt,
          response.status,
        );
      }
      retryAfterMs = retryAfter(response.headers.get('retry-after'));
    } catch (error) {
      if (error instanceof WebhookDeliveryError) throw error;
      lastStatus = undefined;
      lastProblem = scrub(describe(error), url);
      lastCause = sanitized(error, url);
    }
    if (attempt < maxAttempts) {
      const backoff = random() * Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
      await sleep(Math.min(maxDelayMs, retryAfterMs ?? backoff));
    }
  }
  throw new WebhookDeliveryError(
    `webhook ${where} failed after ${maxAttempts} attempt(s): ${lastProblem}`,
    maxAttempts,
    lastStatus,
    lastCause ? { cause: lastCause } : undefined,
  );
}

/** Retry-After in seconds or as an HTTP date; Slack sends seconds. */
function retryAfter(header: string | null): number | undefined {
  if (header === null) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error.name === 'TimeoutError' || error.name === 'AbortError') return 'timed out';
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ? `${error.message} (${cause.code})` : error.message;
}

/** Removes the URL (and its path and query, which hold the secret) from any text. */
function scrub(text: string, url: string): string {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    return text.split(url).join('…');
  }
  const secrets = [url, `${parsed.pathname}${parsed.search}`, parsed.search.slice(1)].filter(
    (s) => s.length > 1,
  );
  return secrets.reduce((acc, secret) => acc.split(secret).join('…'), text);
}

/** A copy of the error safe to keep as a cause: same name and code, scrubbed message, no nested cause. */
function sanitized(error: unknown, url: string): Error {
  const copy = new Error(scrub(describe(error), url));
  copy.name = error instanceof Error ? error.name : 'Error';
  const code =
    (error as { code?: unknown; cause?: { code?: unknown } } | null)?.code ??
    (error as { cause?: { code?: unknown } } | null)?.cause?.code;
  if (typeof code === 'string') Object.assign(copy, { code });
  return copy;
}
