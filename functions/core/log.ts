/**
 * The part of a structured logger (Powertools `Logger`) that the engines and handlers write to: a
 * message and the fields that explain it. The one logger type of the functions: a module that only
 * warns takes `Pick<StructuredLog, 'warn'>`, so one recording log in a test fits every module.
 */
export interface StructuredLog {
  info(message: string, extra: Record<string, unknown>): void;
  warn(message: string, extra: Record<string, unknown>): void;
  error(message: string, extra: Record<string, unknown>): void;
}
