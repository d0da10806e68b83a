import { composeReply, tokenize } from '../../../services/chat-demo/src/reply';
import type { ChatMessage } from '../../../services/chat-demo/src/store';

const history = (count: number): ChatMessage[] =>
  Array.from({ length: count }, (_, i) => ({
    role: i % 2 === 0 ? 'user' : 'assistant',
    text: `message number ${i}, with words`,
    at: new Date(i * 1000).toISOString(),
  }));

const cpuMs = async (run: () => Promise<unknown>): Promise<number> => {
  const before = process.cpuUsage();
  await run();
  const { user, system } = process.cpuUsage(before);
  return (user + system) / 1000;
};

describe('tokenize', () => {
  test('splits words and punctuation and gives the same word the same id', () => {
    const ids = tokenize('hello, world hello');
    expect(ids).toHaveLength(4);
    expect(ids[0]).toBe(ids[3]);
    expect(ids[1]).not.toBe(ids[0]);
  });

  test('gives nothing for blank text', () => {
    expect(tokenize('  \n ')).toHaveLength(0);
  });
});

describe('composeReply', () => {
  test('with no history in its context counts only the new message', async () => {
    expect(await composeReply(history(30), 'and now?', { contextMessages: 0, cpuMs: 0 })).toEqual({
      text: 'echo: and now?',
      contextMessages: 0,
      contextTokens: 5,
    });
  });

  test('puts only the last contextMessages messages of history into the prompt context', async () => {
    const reply = await composeReply(history(30), 'and now?', { contextMessages: 20, cpuMs: 0 });
    expect(reply?.text).toBe('echo: and now?');
    expect(reply?.contextMessages).toBe(20);
    // Each history line: role, ':', 'message', 'number', N, ',', 'with', 'words'; then the new one.
    expect(reply?.contextTokens).toBe(20 * 8 + 5);
  });

  test('spends at least its CPU budget, measured as CPU time', async () => {
    expect(
      await cpuMs(() => composeReply(history(5), 'hi', { contextMessages: 20, cpuMs: 40 })),
    ).toBeGreaterThanOrEqual(40);
  });

  test('spends its budget per reply when replies run at the same time', async () => {
    // Ten replies in flight at once must cost ten budgets: a shared process clock would let them
    // finish together after about one.
    expect(
      await cpuMs(() =>
        Promise.all(
          Array.from({ length: 10 }, () =>
            composeReply(history(5), 'hi', { contextMessages: 20, cpuMs: 20 }),
          ),
        ),
      ),
    ).toBeGreaterThanOrEqual(200);
  });

  test('stops at the next slice once its client is gone, having spent far less than its budget', async () => {
    const abandoned = new AbortController();
    setTimeout(() => abandoned.abort(), 10);
    let reply: unknown = 'not settled';
    const spent = await cpuMs(async () => {
      reply = await composeReply(history(5), 'hi', { contextMessages: 20, cpuMs: 2_000 }, abandoned.signal);
    });
    expect(reply).toBeUndefined();
    expect(spent).toBeLessThan(1_000);
  });

  test('lets other work run while it spends its budget', async () => {
    let done = false;
    let ranBeforeDone: boolean | undefined;
    const reply = composeReply(history(5), 'hi', { contextMessages: 20, cpuMs: 40 }).then(() => {
      done = true;
    });
    setImmediate(() => {
      ranBeforeDone = !done;
    });
    await reply;
    expect(ranBeforeDone).toBe(true);
  });
});
