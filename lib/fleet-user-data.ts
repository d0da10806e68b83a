import type { FleetSettings } from '../functions/shared/config';

/**
 * What the CloudWatch agent on every instance publishes. The scaling function and the memory
 * alarm read these names; the aggregated series carries only the group-name dimension.
 */
export const FLEET_AGENT_METRICS = {
  namespace: 'CWAgent',
  dimension: 'AutoScalingGroupName',
  memoryUsedPercent: 'mem_used_percent',
  diskUsedPercent: 'disk_used_percent',
} as const;

/** Session Manager's and Run Command's channels: what the SSM agent calls for its own instance. */
export const INSTANCE_CHANNEL_ACTIONS: readonly string[] = [
  'ssm:UpdateInstanceInformation',
  'ssmmessages:CreateControlChannel',
  'ssmmessages:CreateDataChannel',
  'ssmmessages:OpenControlChannel',
  'ssmmessages:OpenDataChannel',
  'ec2messages:AcknowledgeMessage',
  'ec2messages:DeleteMessage',
  'ec2messages:FailMessage',
  'ec2messages:GetEndpoint',
  'ec2messages:GetMessages',
  'ec2messages:SendReply',
];

export const AGENT_CONFIG_PATH = '/opt/aws/amazon-cloudwatch-agent/etc/amazon-cloudwatch-agent.json';
export const APP_DIR = '/opt/misybot/app';
export const APP_LOG = '/var/log/misybot/app.log';
export const APP_UNIT = 'misybot-app';

/** What the boot script needs beyond the fleet's settings; values may be deploy-time tokens. */
export interface AppBootOptions {
  readonly settings: FleetSettings;
  /** `s3://bucket/key` of the artifact zip. */
  readonly artifactUrl: string;
  readonly region: string;
  /** The service's variables: the platform's (REDIS_*, DB_*) and the configured ones. */
  readonly environment: Readonly<Record<string, string>>;
  /** Where the agent ships the service's log (and its EMF metrics). */
  readonly logGroupName: string;
}

/**
 * The boot script after the agent's set-up: install the packages, unpack the artifact, run it
 * under systemd as an unprivileged user with a hardened unit, and wait until it answers its
 * health path. The script's exit status is what the instance signals to CloudFormation (see
 * PlatformFleet), so a service that never gets healthy fails the deploy instead of passing it.
 */
export function appBootCommands(options: AppBootOptions): string[] {
  const { app, appPort } = options.settings;
  const environment = {
    ...app.environment,
    ...options.environment,
    PORT: String(appPort),
    AWS_REGION: options.region,
    NODE_ENV: 'production',
  };
  const envFile = Object.entries(environment).map(([name, value]) => `${name}=${value}`);
  const packages = ['amazon-cloudwatch-agent', 'aws-cfn-bootstrap', 'unzip', ...app.packages];
  return [
    `dnf install -y ${packages.join(' ')}`,
    `cat > ${AGENT_CONFIG_PATH} <<'AGENT_CONFIG'`,
    JSON.stringify(agentConfig(options.logGroupName), null, 2),
    'AGENT_CONFIG',
    `/opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s -c file:${AGENT_CONFIG_PATH}`,
    'id misybot >/dev/null 2>&1 || useradd --system --no-create-home --shell /sbin/nologin misybot',
    `install -d -m 0755 ${APP_DIR} /etc/misybot`,
    // The agent (user cwagent) reads the log the service (user misybot) appends to.
    'install -d -m 0755 -o misybot -g misybot /var/log/misybot',
    `aws s3 cp --region ${options.region} ${options.artifactUrl} /tmp/misybot-app.zip`,
    `unzip -o -q /tmp/misybot-app.zip -d ${APP_DIR}`,
    'rm -f /tmp/misybot-app.zip',
    "cat > /etc/misybot/app.env <<'APP_ENV'",
    ...envFile,
    'APP_ENV',
    'chmod 0640 /etc/misybot/app.env && chgrp misybot /etc/misybot/app.env',
    `cat > /etc/systemd/system/${APP_UNIT}.service <<'APP_UNIT'`,
    ...systemdUnit(app.startCommand),
    'APP_UNIT',
    'systemctl daemon-reload',
    `systemctl enable --now ${APP_UNIT}`,
    // Up to 5 minutes for the first healthy answer; the ALB then adds its own checks.
    'for attempt in $(seq 1 60); do',
    `  if curl -fsS -o /dev/null --max-time 4 http://127.0.0.1:${appPort}${app.healthPath}; then exit 0; fi`,
    '  sleep 5',
    'done',
    `echo "${APP_UNIT} did not answer ${app.healthPath} within 5 minutes" >&2`,
    `journalctl -u ${APP_UNIT} --no-pager -n 50 >&2 || true`,
    'exit 1',
  ];
}

function systemdUnit(startCommand: string): string[] {
  return [
    '[Unit]',
    'Description=MisyBot service',
    'Wants=network-online.target',
    'After=network-online.target',
    '[Service]',
    'User=misybot',
    'Group=misybot',
    `WorkingDirectory=${APP_DIR}`,
    'EnvironmentFile=/etc/misybot/app.env',
    `ExecStart=${startCommand}`,
    'Restart=always',
    'RestartSec=2',
    // SIGTERM first: the service turns its health to 503 and drains before it exits.
    'KillSignal=SIGTERM',
    'TimeoutStopSec=30',
    `StandardOutput=append:${APP_LOG}`,
    `StandardError=append:${APP_LOG}`,
    'NoNewPrivileges=yes',
    'ProtectSystem=strict',
    'ProtectHome=yes',
    'PrivateTmp=yes',
    'ReadWritePaths=/var/log/misybot',
    '[Install]',
    'WantedBy=multi-user.target',
  ];
}

/** `${aws:Name}`: a variable the CloudWatch agent fills from instance metadata at start. */
function agentVariable(name: string): string {
  return `\${aws:${name}}`;
}

function agentConfig(logGroupName: string) {
  return {
    agent: { metrics_collection_interval: 60, run_as_user: 'cwagent' },
    metrics: {
      namespace: FLEET_AGENT_METRICS.namespace,
      append_dimensions: {
        [FLEET_AGENT_METRICS.dimension]: agentVariable('AutoScalingGroupName'),
        InstanceId: agentVariable('InstanceId'),
      },
      // The group-wide series that scaling reads: one dimension, averaged over the instances.
      aggregation_dimensions: [[FLEET_AGENT_METRICS.dimension]],
      metrics_collected: {
        mem: { measurement: [FLEET_AGENT_METRICS.memoryUsedPercent] },
        disk: {
          measurement: [FLEET_AGENT_METRICS.diskUsedPercent],
          resources: ['/'],
          drop_device: true,
        },
      },
    },
    // The service's JSON log, whose EMF lines become the endpoint metrics the alarms read.
    logs: {
      logs_collected: {
        files: {
          collect_list: [
            { file_path: APP_LOG, log_group_name: logGroupName, log_stream_name: '{instance_id}' },
          ],
        },
      },
      metrics_collected: { emf: {} },
    },
  };
}
