import { join, resolve } from 'node:path';
import { AssetHashType, DockerImage, Stack } from 'aws-cdk-lib';
import { type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Asset } from 'aws-cdk-lib/aws-s3-assets';
import { Construct } from 'constructs';
import type { AppArtifact as AppArtifactSettings } from '../functions/shared/config';
import { buildChatDemo } from '../services/chat-demo/build';

const CHAT_DEMO_DIR = join(__dirname, '..', 'services', 'chat-demo');

/**
 * The zip the fleet runs, wherever it comes from: the demo chat service bundled by esbuild at
 * synth (a CDK asset), a local directory (a CDK asset), or an object your pipeline put in S3.
 * {@link grantRead} lets an instance role read that one object and nothing else.
 */
export class AppArtifact extends Construct {
  readonly bucketName: string;
  readonly objectKey: string;
  /** The CDK asset, for the demo and local directories. */
  readonly asset?: Asset;

  constructor(scope: Construct, id: string, props: { readonly artifact: AppArtifactSettings }) {
    super(scope, id);
    const { artifact } = props;
    if (artifact.kind === 's3') {
      this.bucketName = artifact.bucket;
      this.objectKey = artifact.key;
      return;
    }
    this.asset =
      artifact.kind === 'demo'
        ? new Asset(this, 'Demo', {
            path: CHAT_DEMO_DIR,
            // The bundle also holds the platform libraries the service imports: hash what is built.
            assetHashType: AssetHashType.OUTPUT,
            bundling: {
              // Never used: esbuild runs locally, as for the Lambdas.
              image: DockerImage.fromRegistry('public.ecr.aws/docker/library/node:22-slim'),
              local: {
                tryBundle(outputDir) {
                  buildChatDemo(outputDir);
                  return true;
                },
              },
            },
          })
        : new Asset(this, 'Directory', { path: resolve(artifact.path) });
    this.bucketName = this.asset.s3BucketName;
    this.objectKey = this.asset.s3ObjectKey;
  }

  /** `s3://bucket/key`, for the instance to download. */
  get s3Url(): string {
    return `s3://${this.bucketName}/${this.objectKey}`;
  }

  /** `s3:GetObject` on this object only. */
  grantRead(grantee: IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['s3:GetObject'],
        resources: [
          Stack.of(this).formatArn({
            service: 's3',
            region: '',
            account: '',
            resource: this.bucketName,
            resourceName: this.objectKey,
          }),
        ],
      }),
    );
  }
}
