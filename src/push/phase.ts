import type { PushReport } from '../report/types.js';
import type { Runner } from '../exec.js';
import type { Ui } from '../ui.js';
import type { Clock } from '../runtime.js';
import { CommandError, GateFailure, ToolError } from '../errors.js';
import { inspectImage } from '../docker/image.js';
import { splitReference } from '../docker/reference.js';
import type { ReleasePlan } from '../release/plan.js';
import { attachStatement, platformText, type Descriptor, type OciLayout } from '../release/layout.js';
import { cosignLoad, cosignSign, markForCosign, type CosignSetup } from '../release/cosign.js';
import { readRegularText } from '../safe-fs.js';
import { MAX_SBOM_BYTES } from '../scan/phase.js';
import { PUSH_RETRY_DELAYS_MS, retryTransient, type RetryOptions } from './retry.js';

/** `docker push` ends with "<tag>: digest: sha256:... size: N". */
export function digestFromPush(output: string): string | undefined {
  const matches = [...output.matchAll(/digest: (sha256:[0-9a-f]{64})/g)];
  return matches.at(-1)?.[1];
}

export interface PushDeps {
  run: Runner;
  ui: Ui;
  clock: Clock;
  /** cosign, set up on first use. */
  cosign: () => Promise<CosignSetup>;
}

export interface PushRequest {
  target: string;
  tags: string[];
  /** The image the gates ran on: its id in the engine. */
  imageId: string;
  /** The layout path: the build result, and the platform image of it the gates ran on. */
  layout?: { layout: OciLayout; tested: Descriptor };
  /** The CycloneDX SBOM from the scan, to attach. */
  sbomFile?: string;
  /** Where signature bundles go. */
  outputDir: string;
}

export const CYCLONEDX_PREDICATE = 'https://cyclonedx.org/bom';

/**
 * `docker push` gives up on the first 5xx of a manifest upload; a registry's 5xx, 429 or dropped connection is
 * retried twice here, with a warning that says what failed.
 */
function pushRetry(deps: PushDeps, tag: string): RetryOptions {
  return {
    delaysMs: PUSH_RETRY_DELAYS_MS,
    sleep: deps.clock.sleep,
    onRetry: (message, attempt, delayMs) => {
      const reason = message.trim().split('\n').at(-1) ?? message;
      deps.ui.warning(
        `Pushing ${tag}: the registry failed (${reason}); retrying in ${delayMs / 1000} s ` +
          `(retry ${attempt} of ${PUSH_RETRY_DELAYS_MS.length})`,
      );
    },
  };
}

const repositories = (tags: readonly string[]): string[] => [...new Set(tags.map((t) => splitReference(t).name))];

/** The in-toto statement of an SBOM about one platform image, as BuildKit writes its own. */
export function sbomStatement(sbom: unknown, repository: string, subject: Descriptor): Buffer {
  const platform = platformText(subject.platform);
  return Buffer.from(
    JSON.stringify({
      _type: 'https://in-toto.io/Statement/v1',
      predicateType: CYCLONEDX_PREDICATE,
      subject: [
        {
          name: `pkg:docker/${repository}${platform ? `?platform=${encodeURIComponent(platform)}` : ''}`,
          digest: { sha256: subject.digest.slice('sha256:'.length) },
        },
      ],
      predicate: sbom,
    }),
  );
}

/**
 * Push what passed every gate, and sign it.
 * - layout path: the SBOM is added to the build result, the result goes up by digest to every repository (no tag
 *   names it yet), each digest is signed, and only then are the tags set, each checked to name that digest. A
 *   failure before the tags leaves no tag behind.
 * - docker-push path: each tag must still name the tested image (or the push gate fails), `docker push` pushes
 *   them, then the digest is signed.
 * A registry or cosign that fails is a tool failure that says which tags were already set.
 */
export async function push(deps: PushDeps, release: ReleasePlan, request: PushRequest): Promise<PushReport> {
  return request.layout ? pushLayout(deps, release, request, request.layout) : dockerPush(deps, release, request);
}

async function pushLayout(
  deps: PushDeps,
  release: ReleasePlan,
  request: PushRequest,
  { layout, tested }: { layout: OciLayout; tested: Descriptor },
): Promise<PushReport> {
  const { ui } = deps;
  const cosign = (await deps.cosign()).command;
  let sbomAttached = false;
  if (request.sbomFile && release.attachSbom) {
    const sbom: unknown = JSON.parse(readRegularText(request.sbomFile, MAX_SBOM_BYTES) ?? 'null');
    attachStatement(layout, tested, CYCLONEDX_PREDICATE, sbomStatement(sbom, repositories(request.tags)[0], tested));
    sbomAttached = true;
    ui.info(`Attached the SBOM to ${platformText(tested.platform) || 'the image'} as an in-toto attestation`);
  }
  markForCosign(layout);
  const digest = layout.top().digest;
  const pushed: string[] = [];
  const failed = (what: string, error: unknown): never => {
    if (!(error instanceof CommandError) && !(error instanceof ToolError)) throw error;
    const done = pushed.length > 0 ? ` (tags already set: ${pushed.join(', ')})` : ' (no tag was set)';
    throw new ToolError(
      error instanceof CommandError ? 'cosign' : error.tool,
      `${what} failed${done}: ${error.message}`,
      {
        cause: error,
      },
    );
  };
  for (const repository of repositories(request.tags)) {
    try {
      const reference = `${repository}@${digest}`;
      await retryTransient(() => cosignLoad(deps.run, cosign, layout, reference), pushRetry(deps, reference));
    } catch (error: unknown) {
      failed(`Pushing ${repository}@${digest}`, error);
    }
    ui.info(`Pushed ${repository}@${digest}`);
  }
  const signatures: string[] = [];
  if (release.signer) {
    for (const repository of repositories(request.tags)) {
      try {
        signatures.push(
          await cosignSign(deps.run, cosign, release.signer, `${repository}@${digest}`, request.outputDir),
        );
      } catch (error: unknown) {
        failed(`Signing ${repository}@${digest}`, error);
      }
      ui.info(`Signed ${repository}@${digest} (${release.signer.mode})`);
    }
  }
  for (const tag of request.tags) {
    try {
      await retryTransient(() => cosignLoad(deps.run, cosign, layout, tag), pushRetry(deps, tag));
      const named = await registryDigest(deps.run, tag);
      if (named !== digest) throw new ToolError('registry', `${tag} names ${named} after the push, not ${digest}`);
    } catch (error: unknown) {
      failed(`Tagging ${tag}`, error);
    }
    pushed.push(tag);
    ui.info(`Tagged ${tag}`);
  }
  return {
    digest,
    manifestDigest: tested.digest,
    signatures,
    ...(release.signer ? { signedWith: release.signer.mode } : {}),
    sbomAttached,
    provenance: release.provenanceMode,
  };
}

/** The digest a registry holds for a reference, as buildx reads it. */
async function registryDigest(run: Runner, reference: string): Promise<string> {
  const { stdout } = await run('docker', [
    'buildx',
    'imagetools',
    'inspect',
    '--format',
    '{{json .Manifest}}',
    reference,
  ]);
  const digest = (JSON.parse(stdout) as { digest?: string }).digest;
  if (!digest) throw new ToolError('docker buildx imagetools', `no digest for ${reference}`);
  return digest;
}

async function dockerPush(deps: PushDeps, release: ReleasePlan, request: PushRequest): Promise<PushReport> {
  const { ui } = deps;
  // The tags must still name the image that was tested (another build could have moved them).
  for (const tag of request.tags) {
    const current = await inspectImage(deps.run, tag);
    if (current.id !== request.imageId) {
      throw new GateFailure(
        'push',
        `Not pushing ${tag}: it now names ${current.id}, not the tested image ${request.imageId}`,
      );
    }
  }
  const pushed: string[] = [];
  let digest: string | undefined;
  for (const tag of request.tags) {
    try {
      const result = await retryTransient(() => deps.run('docker', ['push', tag]), pushRetry(deps, tag));
      digest = digestFromPush(result.stdout) ?? digest;
      pushed.push(tag);
      ui.info(`Pushed ${tag}${digest ? ` (${digest})` : ''}`);
    } catch (error: unknown) {
      if (!(error instanceof CommandError)) throw error;
      const done = pushed.length > 0 ? ` (already pushed: ${pushed.join(', ')})` : ' (nothing was pushed)';
      throw new ToolError('docker push', `Pushing ${tag} failed${done}: ${error.message}`, { cause: error });
    }
  }
  if (!digest) throw new ToolError('docker push', `docker push reported no digest for ${request.tags.join(', ')}`);
  const signatures: string[] = [];
  if (release.signer) {
    const cosign = (await deps.cosign()).command;
    for (const repository of repositories(request.tags)) {
      try {
        signatures.push(
          await cosignSign(deps.run, cosign, release.signer, `${repository}@${digest}`, request.outputDir),
        );
      } catch (error: unknown) {
        if (!(error instanceof ToolError)) throw error;
        throw new ToolError('cosign', `${error.message} (the image was pushed unsigned as ${pushed.join(', ')})`, {
          cause: error,
        });
      }
      ui.info(`Signed ${repository}@${digest} (${release.signer.mode})`);
    }
  }
  return { digest, signatures, ...(release.signer ? { signedWith: release.signer.mode } : {}), sbomAttached: false };
}
