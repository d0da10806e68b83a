/** `Error`'s ES2022 `cause` option, spelled out so the package also compiles against lib ES2020. */
export interface ErrorCauseOptions {
  readonly cause?: unknown;
}

/** `Error` with its ES2022 constructor signature (Node ≥ 16.9 takes `cause` at run time). */
const ErrorWithCause: new (message?: string, options?: ErrorCauseOptions) => Error = Error;

/** Options that cannot work (unknown algorithm, repeated id, non-positive weight). Thrown synchronously. */
export class BalancingConfigError extends ErrorWithCause {
  override readonly name = 'BalancingConfigError';
  /** The option that is wrong, e.g. `endpoints[2].weight`. */
  readonly option: string;

  constructor(option: string, message: string, options?: ErrorCauseOptions) {
    super(`${option}: ${message}`, options);
    this.option = option;
  }
}

/** No endpoint can take a request: the list is empty, or all are ejected and panic mode is off. */
export class NoHealthyEndpointError extends ErrorWithCause {
  override readonly name = 'NoHealthyEndpointError';
  /** How many endpoints the selector has. */
  readonly endpointCount: number;

  constructor(endpointCount: number, options?: ErrorCauseOptions) {
    super(
      endpointCount === 0
        ? 'no endpoints configured'
        : `all ${endpointCount} endpoints are ejected and panic mode is off`,
      options,
    );
    this.endpointCount = endpointCount;
  }
}

/** `markHealthy` / `markUnhealthy` named an id the selector does not have. */
export class UnknownEndpointError extends ErrorWithCause {
  override readonly name = 'UnknownEndpointError';
  /** The id asked for. */
  readonly id: string;

  constructor(id: string, known: readonly string[]) {
    super(`"${id}" is not an endpoint of this selector (endpoints: ${known.join(', ') || 'none'})`);
    this.id = id;
  }
}
