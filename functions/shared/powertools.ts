import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

/**
 * Powertools objects, built once per execution environment and shared by every handler. The
 * service name comes from POWERTOOLS_SERVICE_NAME, which the ControlFunction construct sets.
 */
export const logger = new Logger();

/** EMF metrics in the platform's namespace; alarms in lib/ read from the same namespace. */
export const metrics = new Metrics({ namespace: 'MisyBot/HA' });

export { tracer } from './tracing';
