import type { Inputs } from '../inputs.js';
import type { RunContext } from '../context.js';
import type { BuildxCapabilities } from '../build/capabilities.js';
import { ConfigurationError } from '../errors.js';
import type { RefContext } from '../meta/event.js';
import type { Signer } from './cosign.js';

/**
 * How what passes the gates reaches the registry, decided once before any work:
 * - `layout`: the build writes its whole result (every platform, its provenance) as an OCI layout; the gates run on
 *   one platform of it loaded into the engine; the SBOM is added to it; cosign pushes it as it is. Every builder
 *   but the `docker` driver on the classic image store, whenever there is an attestation to carry or several
 *   platforms (nothing is ever rebuilt after the gates).
 * - `docker-push`: the build loads the image; `docker push` pushes it. The `docker` driver on the classic store
 *   (which can neither export an OCI layout nor keep attestations; a signature follows the tags there), and a
 *   single platform with no attestation and no signature.
 */
export interface ReleasePlan {
  /** undefined: not pushing. */
  path?: 'layout' | 'docker-push';
  /** `--provenance` of the build: attributes when provenance is attached, `false` when it is off. */
  provenance?: string;
  /** The provenance mode said in the summary (min, max), when attached. */
  provenanceMode?: string;
  /** Write a CycloneDX SBOM from the scan (`sbom-file`). */
  sbom: boolean;
  /** Attach that SBOM to the pushed image. */
  attachSbom: boolean;
  signer?: Signer;
  /** cosign is needed: to push a layout, or to sign. */
  cosign: boolean;
  /** Said once in the log. */
  notices: string[];
}

/** The run's URL, as docker/build-push-action puts it in the provenance's builder id. */
function builderId(ctx: RunContext, env: NodeJS.ProcessEnv): string | undefined {
  if (!ctx.onGitHub || !ctx.repository) return undefined;
  return `${ctx.serverUrl}/${ctx.repository}/actions/runs/${ctx.runId}/attempts/${env.GITHUB_RUN_ATTEMPT || '1'}`;
}

function withBuilderId(attrs: string, id: string | undefined): string {
  if (!id || /(^|,)builder-id=/.test(attrs)) return attrs;
  return attrs ? `${attrs},builder-id=${id}` : `builder-id=${id}`;
}

/** The job can ask GitHub for an OIDC token (`permissions: id-token: write`). */
export function canGetOidcToken(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.ACTIONS_ID_TOKEN_REQUEST_URL && env.ACTIONS_ID_TOKEN_REQUEST_TOKEN);
}

export function decideRelease(
  inputs: Pick<
    Inputs,
    'push' | 'scan' | 'provenance' | 'sbom' | 'sign' | 'cosign-key' | 'cosign-password' | 'platforms'
  >,
  caps: Pick<BuildxCapabilities, 'driver' | 'containerdStore'>,
  ctx: RunContext,
  ref: Pick<RefContext, 'repository'>,
  env: NodeJS.ProcessEnv,
): ReleasePlan {
  const notices: string[] = [];
  // The SBOM is Trivy's conversion of the scan's own report: no scan, no SBOM (never a second scan).
  if (inputs.sbom === true && !inputs.scan) {
    throw new ConfigurationError(
      'sbom',
      'comes from the scan, which is off (scan: false): turn the scan on or set sbom: false',
    );
  }
  const sbom = inputs.sbom ?? (inputs.push && inputs.scan);
  if (inputs.sbom === undefined && inputs.push && !inputs.scan) {
    notices.push('No SBOM is attached: it comes from the scan, which is off (scan: false)');
  }
  if (!inputs.push) {
    if (inputs.sign !== 'false') notices.push(`sign: ${inputs.sign}: not pushing, so nothing is signed`);
    return { sbom, attachSbom: false, cosign: false, notices };
  }

  // Provenance as docker/build-push-action decides it: public repositories mode=max, private ones mode=min.
  let provenance: string | undefined;
  let provenanceMode: string | undefined;
  const given = inputs.provenance;
  if (given.kind === 'on') {
    provenance = withBuilderId(given.attrs, builderId(ctx, env));
    provenanceMode = /(^|,)mode=max/.test(given.attrs) ? 'max' : 'min';
  } else if (given.kind === 'default' && !/^(1|true)$/i.test(env.BUILDX_NO_DEFAULT_ATTESTATIONS ?? '')) {
    provenanceMode = ref.repository.private ? 'min' : 'max';
    provenance = withBuilderId(ref.repository.private ? 'mode=min,inline-only=true' : 'mode=max', builderId(ctx, env));
  }

  let signer: Signer | undefined;
  if (inputs.sign === 'key') {
    signer = { mode: 'key', key: inputs['cosign-key'], password: inputs['cosign-password'] };
  } else if (inputs.sign === 'keyless') {
    if (!canGetOidcToken(env)) {
      throw new ConfigurationError(
        'sign',
        'keyless signing needs the job\'s OIDC token: add "permissions: id-token: write" to the job (GitHub-hosted or self-hosted runners on GitHub), or use sign: key',
      );
    }
    signer = { mode: 'keyless' };
  } else if (inputs.sign === 'auto') {
    if (canGetOidcToken(env)) signer = { mode: 'keyless' };
    else
      notices.push(
        'sign: auto: this job cannot get an OIDC token (permissions: id-token: write), so nothing is signed',
      );
  }
  const layoutCapable = caps.driver !== 'docker' || caps.containerdStore;
  const classic = `the "docker" driver on the classic image store`;
  const remedy = 'use docker/setup-buildx-action (a docker-container builder) or turn on the containerd image store';
  let path: ReleasePlan['path'];
  let attachSbom = sbom;
  // A signature too: through a layout the digest is pushed, then signed, and only then tagged.
  if (layoutCapable && (provenance !== undefined || sbom || signer !== undefined || inputs.platforms.length > 1)) {
    path = 'layout';
  } else {
    path = 'docker-push';
    if (!layoutCapable && provenance !== undefined) {
      if (given.kind === 'on') {
        throw new ConfigurationError('provenance', `cannot be attached: ${classic} keeps no attestations; ${remedy}`);
      }
      notices.push(`No provenance is attached: ${classic} keeps no attestations; ${remedy}`);
    }
    if (!layoutCapable && sbom) {
      notices.push(`The SBOM is written (sbom-file) but not attached: ${classic} keeps no attestations; ${remedy}`);
      attachSbom = false;
    }
    provenance = undefined;
    provenanceMode = undefined;
  }
  if (path === 'layout' && provenance === undefined) provenance = 'false';

  return {
    path,
    provenance,
    provenanceMode,
    sbom,
    attachSbom,
    signer,
    cosign: path === 'layout' || signer !== undefined,
    notices,
  };
}
