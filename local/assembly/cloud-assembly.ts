import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** A CloudFormation resource as synthesized. */
export interface TemplateResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly Metadata?: Record<string, unknown>;
  readonly DependsOn?: string | readonly string[];
  readonly Condition?: string;
}

/** The parts of a template the emulator reads. */
export interface Template {
  readonly Resources: Readonly<Record<string, TemplateResource>>;
  readonly Parameters?: Readonly<Record<string, { readonly Type: string; readonly Default?: unknown }>>;
  readonly Conditions?: Readonly<Record<string, unknown>>;
  readonly Mappings?: Readonly<Record<string, Readonly<Record<string, Readonly<Record<string, unknown>>>>>>;
  readonly Outputs?: Readonly<
    Record<string, { readonly Value: unknown; readonly Export?: { readonly Name: unknown } }>
  >;
}

/** One stack of the cloud assembly. */
export interface StackArtifact {
  /** The artifact id, which is the stack name unless `stackName` was set. */
  readonly id: string;
  readonly stackName: string;
  readonly template: Template;
}

interface Manifest {
  readonly artifacts?: Readonly<
    Record<
      string,
      {
        readonly type: string;
        readonly properties?: { readonly templateFile?: string; readonly stackName?: string };
        readonly dependencies?: readonly string[];
      }
    >
  >;
}

/**
 * A synthesized cloud assembly (`cdk.out`): its stacks in deployment order, their templates, and
 * the directories of the assets the templates point at.
 */
export class CloudAssembly {
  private constructor(
    readonly directory: string,
    readonly stacks: readonly StackArtifact[],
  ) {}

  /** @throws when `directory` holds no cloud assembly. */
  static load(path: string): CloudAssembly {
    const directory = resolve(path);
    const manifestFile = join(directory, 'manifest.json');
    if (!existsSync(manifestFile)) throw new Error(`${directory} holds no cloud assembly (no manifest.json)`);
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as Manifest;
    const artifacts = Object.entries(manifest.artifacts ?? {}).filter(
      ([, artifact]) => artifact.type === 'aws:cloudformation:stack',
    );
    const ordered: string[] = [];
    const visit = (id: string, seen: Set<string>) => {
      if (ordered.includes(id) || seen.has(id)) return;
      seen.add(id);
      for (const dependency of manifest.artifacts?.[id]?.dependencies ?? []) visit(dependency, seen);
      if (artifacts.some(([candidate]) => candidate === id)) ordered.push(id);
    };
    for (const [id] of artifacts) visit(id, new Set());
    const stacks = ordered.map((id) => {
      const artifact = manifest.artifacts![id]!;
      const templateFile = artifact.properties?.templateFile;
      if (!templateFile) throw new Error(`stack ${id} in ${directory} has no templateFile`);
      const template = JSON.parse(readFileSync(join(directory, templateFile), 'utf8')) as Template;
      return { id, stackName: artifact.properties?.stackName ?? id, template };
    });
    if (stacks.length === 0) throw new Error(`${directory} holds no stack`);
    return new CloudAssembly(directory, stacks);
  }

  /** The unpacked code of a resource's asset (`aws:asset:path` metadata), or undefined. */
  assetDirectory(resource: TemplateResource): string | undefined {
    const path = resource.Metadata?.['aws:asset:path'];
    return typeof path === 'string' ? join(this.directory, path) : undefined;
  }
}
