import { WEBHOOK_HOSTS } from '../network/webhook-receiver';
import type { LocalPlatform } from '../platform/local-platform';

/** A chat message as a person would read it: every text of the Slack blocks or Teams card. */
export interface ChatMessage {
  readonly at: number;
  readonly channel: 'slack' | 'teams';
  readonly text: string;
}

function texts(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(texts);
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(texts);
  return [];
}

/**
 * The line a person reads first: the first text of a few words (a Teams card starts with its
 * type, schema and layout values, which are strings too).
 */
export function headline(message: ChatMessage): string {
  const lines = message.text.split('\n');
  return (
    lines.find((line) => line.trim().split(/\s+/).length >= 3 && !/^https?:/.test(line)) ?? lines[0] ?? ''
  );
}

/** The messages Slack and Teams accepted, oldest first. */
export function chatMessages(platform: LocalPlatform): ChatMessage[] {
  const { receiver } = platform.network;
  const read = (channel: 'slack' | 'teams') =>
    receiver.accepted(WEBHOOK_HOSTS[channel]).map((delivery) => ({
      at: delivery.at,
      channel,
      text: texts(delivery.json).join('\n'),
    }));
  return [...read('slack'), ...read('teams')].sort((a, b) => a.at - b.at);
}
