/** Options that cannot work (unknown algorithm, repeated id, non-positive weight). Thrown synchronously. */
export class BalancingConfigError extends Error {
  override readonly name = 'BalancingConfigError';

  constructor(
    /** The option that is wrong, e.g. `endpoints[2].weight`. */
    readonly option: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(`${option}: ${message}`, options);
  }
}

/** No endpoint can take a request: the list is empty, or all are ejected and panic mode is off. */
export class NoHealthyEndpointError extends Error {
  override readonly name = 'NoHealthyEndpointError';

  constructor(
    /** How many endpoints the selector has. */
    readonly endpointCount: number,
    options?: ErrorOptions,
  ) {
    super(
      endpointCount === 0
        ? 'no endpoints configured'
        : `all ${endpointCount} endpoints are ejected and panic mode is off`,
      options,
    );
  }
}
