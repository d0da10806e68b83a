import { postWebhook, redactUrl } from '../../../../functions/adapters/http/webhook-poster';

const URL_WITH_SECRET = 'https://hooks.slack.com/services/T000/B000/s3cr3tT0k3n';

function fakeFetch(answers: (Response | Error)[]) {
  const calls: RequestInit[] = [];
  const fetch = (async (_url: string, init: RequestInit) => {
    calls.push(init);
    const next = answers.shift() ?? new Response('ok');
    if (next instanceof Error) throw next;
    return next;
  }) as unknown as typeof globalThis.fetch;
  return { fetch, calls };
}

describe('postWebhook', () => {
  it('retries 5xx with exponential backoff and full jitter', async () => {
    const { fetch, calls } = fakeFetch([
      new Response('', { status: 503 }),
      new Response('', { status: 502 }),
    ]);
    const sleeps: number[] = [];
    const delivery = await postWebhook(
      URL_WITH_SECRET,
      { text: 'x' },
      {
        fetch,
        sleep: async (ms) => void sleeps.push(ms),
        random: () => 0.5,
        baseDelayMs: 100,
      },
    );
    expect(delivery).toEqual({ status: 200, attempts: 3 });
    expect(sleeps).toEqual([50, 100]);
    expect(calls[0]).toMatchObject({
      method: 'POST',
      body: '{"text":"x"}',
      headers: { 'content-type': 'application/json' },
    });
  });

  it('honours Retry-After on 429, capped at maxDelayMs', async () => {
    const { fetch } = fakeFetch([
      new Response('', { status: 429, headers: { 'retry-after': '3' } }),
      new Response('', { status: 429, headers: { 'retry-after': '600' } }),
    ]);
    const sleeps: number[] = [];
    await postWebhook(
      URL_WITH_SECRET,
      {},
      { fetch, sleep: async (ms) => void sleeps.push(ms), maxDelayMs: 20_000 },
    );
    expect(sleeps).toEqual([3000, 20_000]);
  });

  it('gives up after maxAttempts with an error that names the origin only', async () => {
    const networkError = Object.assign(new TypeError('fetch failed'), {
      cause: Object.assign(new Error(`connect ECONNREFUSED for ${URL_WITH_SECRET}`), {
        code: 'ECONNREFUSED',
      }),
    });
    const { fetch } = fakeFetch([networkError, networkError, networkError]);
    const error = await postWebhook(
      URL_WITH_SECRET,
      {},
      { fetch, sleep: async () => {}, maxAttempts: 3 },
    ).then(
      () => {
        throw new Error('expected the delivery to fail');
      },
      (e: unknown) => e as Error,
    );
    expect(error).toMatchObject({
      name: 'WebhookDeliveryError',
      attempts: 3,
      message: 'webhook https://hooks.slack.com/… failed after 3 attempt(s): fetch failed (ECONNREFUSED)',
    });
    expect(error.cause).toMatchObject({ name: 'TypeError', code: 'ECONNREFUSED' });
    const everything = JSON.stringify({
      message: error.message,
      cause: String(error.cause),
      stack: error.stack,
    });
    expect(everything).not.toContain('s3cr3t');
  });

  it('does not retry a 4xx other than 429', async () => {
    const { fetch, calls } = fakeFetch([new Response('invalid_payload', { status: 400 })]);
    await expect(postWebhook(URL_WITH_SECRET, {}, { fetch, sleep: async () => {} })).rejects.toMatchObject({
      status: 400,
      message: 'webhook https://hooks.slack.com/… refused the message: HTTP 400: invalid_payload',
    });
    expect(calls).toHaveLength(1);
  });

  it('redacts a Teams URL whose secret is in the query string', () => {
    expect(
      redactUrl('https://prod.westeurope.logic.azure.com/workflows/abc/triggers/manual?sig=SECRET'),
    ).toBe('https://prod.westeurope.logic.azure.com/…');
  });
});
