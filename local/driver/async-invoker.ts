import { randomUUID } from 'node:crypto';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import type { AwsClients } from '../account/aws-clients';
import type { DeployedFunction } from '../account/platform-model';
import type { FunctionRunner, InvocationOutcome } from '../runtime/function-runner';
import type { Scheduler } from './scheduler';

/** Who handed the event to Lambda. */
export type EventOrigin = 'events' | 'sns' | 'lambda-invoke' | 'cloudwatch';

/** One asynchronously invoked event and what became of it. */
export interface AsyncEvent {
  readonly id: string;
  readonly functionName: string;
  readonly service: string;
  readonly origin: EventOrigin;
  /** The rule, topic or caller it came from. */
  readonly from: string;
  readonly event: unknown;
  readonly receivedAt: number;
  /** Lambda keeps the request id across the retries of one event. */
  readonly requestId: string;
  readonly attempts: {
    readonly at: number;
    readonly outcome: InvocationOutcome['status'];
    readonly error?: string;
  }[];
  /** `pending` until it succeeded or was given up (sent to the on-failure destination, or dropped without one). */
  state: 'pending' | 'succeeded' | 'failed';
  /** The destination it was sent to when it failed. */
  destination?: string;
}

// Lambda's documented asynchronous retries: one minute, then two minutes after a function error.
const RETRY_DELAYS_MS = [60_000, 120_000];
// Throttled events are retried with backoff up to the event's maximum age.
const THROTTLE_BACKOFF_MS = [1000, 2000, 5000, 10_000, 30_000, 60_000, 120_000, 300_000];

/**
 * Lambda's asynchronous invocation, as used by EventBridge, SNS, alarm actions and `Invoke` with
 * `InvocationType: Event`: the event is queued, run, retried after a function error per the
 * function's `MaximumRetryAttempts` (1 then 2 minutes apart), retried with backoff while
 * throttled, and sent to the on-failure destination (with Lambda's invocation record) when
 * retries or its maximum age run out. Every event is kept with its attempts, for the suite to
 * prove that none was lost.
 */
export class AsyncInvoker {
  readonly events: AsyncEvent[] = [];

  constructor(
    private readonly scheduler: Scheduler,
    private readonly runner: FunctionRunner,
    /** Clients straight to the emulator (destinations are the platform's, not a function's call). */
    private readonly emulator: AwsClients,
    private readonly queueUrlOf: (arn: string) => string | undefined,
  ) {}

  /** Queues `event` for `fn`; it runs as soon as the driver gets to it. */
  invoke(fn: DeployedFunction, event: unknown, origin: EventOrigin, from: string, delayMs = 0): AsyncEvent {
    const record: AsyncEvent = {
      id: randomUUID(),
      functionName: fn.name,
      service: fn.service,
      origin,
      from,
      event,
      receivedAt: this.scheduler.clock.now(),
      requestId: randomUUID(),
      attempts: [],
      state: 'pending',
    };
    this.events.push(record);
    this.scheduler.after(delayMs, `invoke ${fn.service}`, () => this.attempt(fn, record, 0, 0));
    return record;
  }

  /** Events not yet succeeded or given up. */
  get pending(): AsyncEvent[] {
    return this.events.filter((event) => event.state === 'pending');
  }

  private attempt(fn: DeployedFunction, record: AsyncEvent, failures: number, throttles: number): void {
    const run = this.runner.invoke(fn.name, record.event, record.requestId).then((invocation) => {
      const { outcome } = invocation;
      record.attempts.push({
        at: invocation.startedAt,
        outcome: outcome.status,
        ...(outcome.status === 'succeeded'
          ? {}
          : { error: `${outcome.error.errorType}: ${outcome.error.errorMessage}` }),
      });
      const age = this.scheduler.clock.now() - record.receivedAt;
      if (outcome.status === 'succeeded') {
        record.state = 'succeeded';
        return;
      }
      if (outcome.status === 'throttled') {
        const wait = THROTTLE_BACKOFF_MS[Math.min(throttles, THROTTLE_BACKOFF_MS.length - 1)]!;
        if (age + wait <= fn.maxEventAgeSeconds * 1000) {
          this.scheduler.after(wait, `retry throttled ${fn.service}`, () =>
            this.attempt(fn, record, failures, throttles + 1),
          );
          return;
        }
        this.scheduler.track(this.giveUp(fn, record, 'EventAgeExceeded', outcome.error));
        return;
      }
      const wait = RETRY_DELAYS_MS[Math.min(failures, RETRY_DELAYS_MS.length - 1)]!;
      if (failures < fn.maxRetries && age + wait <= fn.maxEventAgeSeconds * 1000) {
        this.scheduler.after(wait, `retry ${fn.service}`, () =>
          this.attempt(fn, record, failures + 1, throttles),
        );
        return;
      }
      const condition = failures < fn.maxRetries ? 'EventAgeExceeded' : 'RetriesExhausted';
      this.scheduler.track(this.giveUp(fn, record, condition, outcome.error));
    });
    // Not tracked as driver work: the invocation is the runner's, and may sleep on the virtual clock.
    run.catch((error: unknown) =>
      this.scheduler.errors.push({ at: this.scheduler.clock.now(), name: `invoke ${fn.service}`, error }),
    );
  }

  private async giveUp(
    fn: DeployedFunction,
    record: AsyncEvent,
    condition: string,
    error: { errorType: string; errorMessage: string },
  ): Promise<void> {
    record.state = 'failed';
    const url = fn.onFailure ? this.queueUrlOf(fn.onFailure) : undefined;
    if (!url) return;
    record.destination = fn.onFailure;
    const invocationRecord = {
      version: '1.0',
      timestamp: new Date(this.scheduler.clock.now()).toISOString(),
      requestContext: {
        requestId: record.requestId,
        functionArn: `${fn.arn}:$LATEST`,
        condition,
        approximateInvokeCount: record.attempts.length,
      },
      requestPayload: record.event,
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      responsePayload: error,
    };
    await this.emulator.sqs.send(
      new SendMessageCommand({ QueueUrl: url, MessageBody: JSON.stringify(invocationRecord) }),
    );
  }
}
