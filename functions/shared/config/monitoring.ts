import * as z from 'zod';
import { int } from './primitives';

/**
 * The alerting and alarm sections of the platform configuration: who is told (topics by
 * severity and their subscriptions) and when (CloudWatch alarm thresholds).
 */

export const severity = z.enum(['critical', 'warning', 'info']);
export type Severity = z.infer<typeof severity>;

export const subscriptionSchema = z.discriminatedUnion('protocol', [
  z.strictObject({ protocol: z.literal('email'), endpoint: z.email({ error: 'must be an e-mail address' }) }),
  z.strictObject({
    protocol: z.literal('sms'),
    endpoint: z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 phone number such as "+447700900123"'),
  }),
  z.strictObject({
    protocol: z.literal('https'),
    endpoint: z.url({ protocol: /^https$/, error: 'must be an https:// URL' }),
  }),
  z.strictObject({
    protocol: z.enum(['slack', 'teams']),
    /** Secrets Manager secret holding the incoming-webhook URL. */
    webhookSecretName: z
      .string()
      .regex(/^[A-Za-z0-9/_+=.@-]{1,512}$/, 'must be a Secrets Manager secret name'),
  }),
]);
export type Subscription = z.infer<typeof subscriptionSchema>;

export const alertingSchema = z.strictObject({
  critical: z.array(subscriptionSchema).default([]),
  warning: z.array(subscriptionSchema).default([]),
  info: z.array(subscriptionSchema).default([]),
});

const alarm = (threshold: number, sev: Severity, evaluationPeriods = 3, datapointsToAlarm = 2) =>
  z
    .strictObject({
      threshold: z.number().min(0),
      severity: severity.default(sev),
      /** Periods of one minute looked at. */
      evaluationPeriods: int(1, 60).default(evaluationPeriods),
      /** Breaching periods among them that raise the alarm. */
      datapointsToAlarm: int(1, 60).default(datapointsToAlarm),
    })
    .prefault({ threshold });

export const alarmsSchema = z.strictObject({
  /** ALB 5xx responses as a percentage of requests. */
  alb5xxRatePercent: alarm(5, 'critical'),
  targetResponseTimeP95Ms: alarm(500, 'warning'),
  targetResponseTimeP99Ms: alarm(1500, 'warning'),
  /** Unhealthy targets at or above this count. */
  unhealthyHosts: alarm(1, 'critical', 2, 2),
  asgCpuPercent: alarm(80, 'warning', 5, 3),
  asgMemoryPercent: alarm(85, 'warning', 5, 3),
  auroraCpuPercent: alarm(80, 'warning', 5, 3),
  /** Freeable memory below this many MiB. */
  auroraFreeableMemoryMiB: alarm(256, 'critical'),
  /** Connections as a percentage of the instance's `max_connections`. */
  auroraConnectionsPercent: alarm(80, 'warning'),
  auroraReplicaLagMs: alarm(1000, 'warning'),
  redisEngineCpuPercent: alarm(80, 'warning'),
  redisMemoryPercent: alarm(80, 'warning'),
  /** Evicted keys per minute. */
  redisEvictions: alarm(100, 'info'),
  redisConnections: alarm(5000, 'warning'),
});
export type AlarmSetting = z.infer<ReturnType<typeof alarm>>;

export type AlertingSettings = z.output<typeof alertingSchema>;
export type AlarmSettings = z.output<typeof alarmsSchema>;
