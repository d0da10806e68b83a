import type { ChatMessage } from './store';

/** What a reply costs the instance that composes it. */
export interface ReplyWork {
  /** Messages of the conversation's recent history that go into the prompt context. @default 20 */
  readonly contextMessages: number;
  /**
   * CPU time spent per reply, in milliseconds, tokenizing the prompt context and rendering the
   * answer: what makes the fleet's measured CPU follow its traffic, as a model call's preparation
   * does. 0 composes the reply with a single tokenization pass. @default 30
   */
  readonly cpuMs: number;
}

/** A composed reply and what went into it. */
export interface Reply {
  readonly text: string;
  /** Messages of history in the prompt context. */
  readonly contextMessages: number;
  /** Tokens in the prompt context (the history and the new message). */
  readonly contextTokens: number;
}

/** CPU time the reply's work runs before it lets other requests in. */
const SLICE_MS = 5;

const TOKEN = /[\p{L}\p{N}]+|[^\s\p{L}\p{N}]/gu;

/** Splits text into word and punctuation tokens and maps each to a 32-bit id (FNV-1a). */
export function tokenize(text: string): Uint32Array {
  const pieces = text.match(TOKEN) ?? [];
  const ids = new Uint32Array(pieces.length);
  for (let i = 0; i < pieces.length; i += 1) {
    const piece = pieces[i]!;
    let hash = 0x811c9dc5;
    for (let c = 0; c < piece.length; c += 1) {
      hash ^= piece.charCodeAt(c);
      hash = Math.imul(hash, 0x01000193) >>> 0;
    }
    ids[i] = hash;
  }
  return ids;
}

/** CPU time this process has used, in milliseconds (user and system, every thread). */
function cpuMsNow(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/**
 * Composes the reply to `text` from the conversation's recent history: the last
 * `work.contextMessages` messages and the new one form the prompt context, which is tokenized
 * (again, as a model's preparation passes over it) until `work.cpuMs` of CPU time is spent, in
 * slices of 5 ms. The budget is CPU time, not wall time, so a busy machine makes the reply
 * slower, not cheaper. Only the reply's own slices count: they run without yielding, so the
 * process's CPU clock advances for this reply alone while one runs. Counting the process's CPU
 * between the start and the end instead would let replies in flight together share one budget,
 * and the instance's CPU would stop following its traffic just when the traffic is high.
 *
 * Resolves `undefined`, having stopped at the next slice, once `abandoned` aborts: the client is
 * gone, and an overloaded instance that finished replies nobody waits for would serve the ones
 * still waiting later still.
 */
export async function composeReply(
  history: readonly ChatMessage[],
  text: string,
  work: ReplyWork,
  abandoned?: AbortSignal,
): Promise<Reply | undefined> {
  const context = work.contextMessages === 0 ? [] : history.slice(-work.contextMessages);
  const prompt = [...context.map((m) => `${m.role}: ${m.text}`), `user: ${text}`].join('\n');
  let sliceStartedMs = cpuMsNow();
  let tokens = tokenize(prompt);
  let spentMs = 0;
  while (spentMs + (cpuMsNow() - sliceStartedMs) < work.cpuMs) {
    tokens = tokenize(prompt);
    if (cpuMsNow() - sliceStartedMs >= SLICE_MS) {
      spentMs += cpuMsNow() - sliceStartedMs;
      // The work yields every few milliseconds, so health checks and reads are not queued behind it.
      await new Promise((resolve) => setImmediate(resolve));
      if (abandoned?.aborted) return undefined;
      sliceStartedMs = cpuMsNow();
    }
  }
  return {
    text: `echo: ${text}`,
    contextMessages: context.length,
    contextTokens: tokens.length,
  };
}
