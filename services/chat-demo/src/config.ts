import { z } from 'zod';

const flag = z.enum(['true', 'false']).transform((value) => value === 'true');

/**
 * The service's settings, from the environment the fleet's user data writes (or a test's). A
 * missing or malformed variable stops the start with its name, so systemd shows why.
 */
export const chatDemoEnvSchema = z.object({
  PORT: z.coerce.number().int().min(1).max(65535).default(8080),
  REDIS_HOST: z.string().min(1),
  REDIS_PORT: z.coerce.number().int().min(1).max(65535),
  REDIS_TLS: flag.default(true),
  /** The Secrets Manager secret holding the AUTH token; left out, Redis without AUTH (tests). */
  REDIS_AUTH_SECRET_ARN: z.string().optional(),
  DB_HOST: z.string().min(1),
  DB_PORT: z.coerce.number().int().min(1).max(65535).default(5432),
  DB_NAME: z.string().min(1),
  DB_USER: z.string().min(1),
  /** IAM authentication through RDS Proxy (TLS required); false only against a local server. */
  DB_IAM_AUTH: flag.default(true),
  AWS_REGION: z.string().optional(),
  /** The `Service` dimension of the endpoint metrics: the platform's `endpoints.service`. */
  METRICS_SERVICE: z.string().default('chat-api'),
  /** Messages of recent history in each reply's prompt context (see `ReplyWork`). */
  REPLY_CONTEXT_MESSAGES: z.coerce.number().int().min(0).max(200).default(20),
  /**
   * CPU milliseconds each reply spends tokenizing its context and rendering (see `ReplyWork`):
   * 30 puts two half-vCPU instances at about a quarter of their CPU at the local demo's 20 req/s
   * and past the 60 % scaling target at four times that.
   */
  REPLY_CPU_MS: z.coerce.number().min(0).max(1000).default(30),
  /** How often the cache and the database are probed for `/health` (which only reads the result). */
  HEALTH_PROBE_INTERVAL_MS: z.coerce.number().int().min(100).max(60_000).default(5000),
});

export type ChatDemoConfig = z.output<typeof chatDemoEnvSchema>;

/** @throws {Error} naming every variable that is missing or malformed. */
export function readChatDemoConfig(env: NodeJS.ProcessEnv): ChatDemoConfig {
  const parsed = chatDemoEnvSchema.safeParse(env);
  if (parsed.success) {
    if (parsed.data.DB_IAM_AUTH && !parsed.data.AWS_REGION) {
      throw new Error('chat-demo configuration: AWS_REGION must be set for DB_IAM_AUTH=true');
    }
    return parsed.data;
  }
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  throw new Error(`chat-demo configuration: ${problems.join('; ')}`);
}
