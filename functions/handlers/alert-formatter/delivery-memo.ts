/**
 * Deliveries already made, remembered per execution environment. SNS invokes the formatter
 * asynchronously and Lambda retries a failed invocation a minute or two later, usually in the
 * same warm environment: the memo keeps that retry from posting again to the channels that
 * already got the message. A retry in another environment may post twice; that is preferred to
 * losing the message.
 */
export class DeliveryMemo {
  private readonly entries = new Map<string, number>();

  /**
   * @param ttlMs longer than Lambda's asynchronous retry window (about 3 minutes). @default 900000
   * @param maxEntries bound on memory. @default 5000
   */
  constructor(
    private readonly ttlMs = 900_000,
    private readonly maxEntries = 5000,
    private readonly now: () => number = Date.now,
  ) {}

  has(key: string): boolean {
    const expiresAt = this.entries.get(key);
    return expiresAt !== undefined && expiresAt > this.now();
  }

  add(key: string): void {
    const now = this.now();
    for (const [entry, expiresAt] of this.entries) {
      if (expiresAt > now && this.entries.size < this.maxEntries) break;
      this.entries.delete(entry);
    }
    this.entries.set(key, now + this.ttlMs);
  }
}
