import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type App, Stack, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import {
  acknowledgePlatformFindings,
  type PlatformAcknowledgementProps,
} from '../../lib/platform-acknowledgements';
import { PlatformStack } from '../../lib/platform-stack';

/** One unacknowledged cdk-nag finding: the rule and where it fired. */
export interface NagFinding {
  readonly rule: string;
  readonly path: string;
}

/**
 * Synthesises `app` with the AwsSolutions pack, as bin/app.ts does, and returns every finding
 * that is not acknowledged (errors and warnings alike). An app with findings fails synthesis,
 * so the report is read from the cloud assembly either way.
 *
 * A stack that is not a PlatformStack gets the platform-wide acknowledgements PlatformStack gives
 * itself (lib/platform-acknowledgements.ts), naming `autoScalingGroupArns`: a construct under
 * test is judged as it would be inside the platform.
 */
export function awsSolutionsFindings(
  app: App,
  platform: Partial<PlatformAcknowledgementProps> = {},
): NagFinding[] {
  for (const stack of app.node.children.filter(Stack.isStack)) {
    if (!(stack instanceof PlatformStack)) {
      acknowledgePlatformFindings(stack, { autoScalingGroupArns: platform.autoScalingGroupArns ?? [] });
    }
  }
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  try {
    // force: a Template.fromStack call may already have synthesised the app without the plugin.
    app.synth({ force: true });
  } catch (error) {
    if (!/validation ?failed/i.test((error as Error).message)) throw error;
  }
  const report = JSON.parse(readFileSync(join(app.outdir, 'validation-report.json'), 'utf8')) as {
    pluginReports: { violations: { ruleName: string; violatingConstructs: { constructPath: string }[] }[] }[];
  };
  // The report also carries the app's own acknowledgeable warnings (`Annotation::…`), which are
  // asserted where they are meant to appear.
  return report.pluginReports.flatMap((plugin) =>
    plugin.violations
      .filter((violation) => violation.ruleName.startsWith('AwsSolutions-'))
      .flatMap((violation) =>
        violation.violatingConstructs.map((c) => ({ rule: violation.ruleName, path: c.constructPath })),
      ),
  );
}
