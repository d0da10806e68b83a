import type { AdapterClock } from '../../../../../functions/adapters/aws/failover/polling';

/** An adapter clock whose sleeps move simulated time instead of waiting. */
export class SteppingClock implements AdapterClock {
  readonly sleeps: number[] = [];

  constructor(public time: number) {}

  now(): number {
    return this.time;
  }

  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.time += ms;
  }
}

/** An SDK-shaped error, as the clients throw them. */
export function sdkError(name: string, message: string, httpStatusCode = 400): Error {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode } });
}
