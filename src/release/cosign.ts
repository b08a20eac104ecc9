import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Runner } from '../exec.js';
import { CommandError, ToolError } from '../errors.js';
import { installTool, type ActionsCache, type ToolCache, type ToolRelease } from '../tools/install.js';
import { MEDIA, type OciLayout } from './layout.js';

export const DEFAULT_COSIGN_VERSION = '3.1.1';
export const COSIGN_RELEASES_URL = 'https://github.com/sigstore/cosign/releases/download';

export const COSIGN: ToolRelease = {
  tool: 'cosign',
  pinned: DEFAULT_COSIGN_VERSION,
  versionInput: 'cosign-version',
  versionArgs: ['version'],
  // "GitVersion:    v3.1.1"; a distribution's build may say "devel".
  versionFrom: (text) => /GitVersion:\s*v?(\d+\.\d+\.\d+)/.exec(text)?.[1],
  asset: (_version, platform, arch) => {
    const os = platform === 'linux' || platform === 'darwin' ? platform : undefined;
    const cpu = arch === 'x64' ? 'amd64' : arch === 'arm64' ? 'arm64' : undefined;
    if (!os || !cpu) {
      throw new ToolError('cosign', `cosign has no release for ${platform}/${arch}; install it on the runner yourself`);
    }
    return `cosign-${os}-${cpu}`;
  },
  checksums: () => 'cosign_checksums.txt',
  kind: 'binary',
  fix: { installWith: 'sigstore/cosign-installer', otherwise: 'or set push: false' },
};

export interface CosignSetup {
  command: string;
  notes: string[];
}

export async function setUpCosign(options: {
  run: Runner;
  version: string;
  toolCacheRoot: string;
  caches: { toolCache: ToolCache; actionsCache: ActionsCache };
}): Promise<CosignSetup> {
  const notes: string[] = [];
  const installed = await installTool(COSIGN, {
    run: options.run,
    version: options.version,
    downloadUrl: COSIGN_RELEASES_URL,
    toolCache: options.caches.toolCache,
    actionsCache: options.caches.actionsCache,
    toolCacheRoot: options.toolCacheRoot,
    log: (message) => void notes.push(message),
  });
  return { command: installed.command, notes };
}

/**
 * Mark the layout's image for `cosign load`, which pushes an OCI layout as it is (every manifest and blob, digests
 * unchanged): it reads the kind of image from an annotation of the layout's index.json.
 */
export function markForCosign(layout: OciLayout): void {
  const top = layout.top();
  const kind = top.mediaType === MEDIA.index || top.mediaType === MEDIA.dockerList ? 'imageIndex' : 'image';
  layout.setTop({ ...top, annotations: { ...top.annotations, kind: `dev.cosignproject.cosign/${kind}` } });
}

/** Push the layout to one reference (a tag, or `repo@sha256:...` to send the content before any tag names it). */
export async function cosignLoad(run: Runner, cosign: string, layout: OciLayout, reference: string): Promise<void> {
  await run(cosign, ['load', '--dir', layout.dir, reference]);
}

/** A signing config with no transparency log and no timestamp authority: key signing that works offline. */
const OFFLINE_SIGNING_CONFIG = JSON.stringify({
  mediaType: 'application/vnd.dev.sigstore.signingconfig.v0.2+json',
  rekorTlogConfig: {},
  tsaConfig: {},
});

/** The environment variable the private key travels in (`--key env://...`): never argv, never a file. */
export const COSIGN_KEY_ENV = 'MULTISTAGE_COSIGN_KEY';

export type Signer = { mode: 'key'; key: string; password: string } | { mode: 'keyless' };

/**
 * argv and environment of `cosign sign` for one digest reference, as cosign documents them:
 * - key: `--key env://VAR` (or a KMS URI) with COSIGN_PASSWORD, and a signing config without a transparency log
 *   (the key is the trust; nothing about the image is published, and it works offline);
 * - keyless: no key; cosign takes the job's OIDC token (ACTIONS_ID_TOKEN_REQUEST_URL and _TOKEN, audience
 *   `sigstore`) to Fulcio for a certificate and records the signature in Rekor, with the public signing config.
 * `--bundle` keeps the Sigstore bundle (the signature and what verifies it) for the `signature` output.
 */
export function signArgs(
  signer: Signer,
  reference: string,
  files: { bundle: string; signingConfig: string },
): { args: string[]; env: Record<string, string> } {
  const args = ['sign', '--yes', '--bundle', files.bundle];
  const env: Record<string, string> = {};
  if (signer.mode === 'key') {
    const kms = /^[a-z0-9]+:\/\//.test(signer.key.trim());
    args.push('--key', kms ? signer.key.trim() : `env://${COSIGN_KEY_ENV}`, '--signing-config', files.signingConfig);
    if (!kms) env[COSIGN_KEY_ENV] = signer.key;
    env.COSIGN_PASSWORD = signer.password;
  }
  args.push(reference);
  return { args, env };
}

/** Sign one pushed digest; returns the bundle's path. */
export async function cosignSign(
  run: Runner,
  cosign: string,
  signer: Signer,
  reference: string,
  dir: string,
): Promise<string> {
  if (!/@sha256:[0-9a-f]{64}$/.test(reference))
    throw new Error(`signing a reference that is not a digest: ${reference}`);
  const bundle = path.join(dir, `signature-${reference.slice(-64, -52)}-${Date.now()}.sigstore.json`);
  // One per signature: targets sign at the same time, and a file rewritten under a running cosign reads empty.
  const signingConfig = path.join(dir, `cosign-signing-config-${reference.slice(-64, -52)}-${Date.now()}.json`);
  fs.writeFileSync(signingConfig, OFFLINE_SIGNING_CONFIG);
  const { args, env } = signArgs(signer, reference, { bundle, signingConfig });
  try {
    await run(cosign, args, { env });
  } catch (error: unknown) {
    if (error instanceof CommandError) {
      throw new ToolError('cosign', `Signing ${reference} (${signer.mode}) failed: ${error.message}`, { cause: error });
    }
    throw error;
  }
  return bundle;
}

/**
 * Before any work: the key opens with the password (`cosign public-key`), so a wrong secret is a mistake named
 * up front, not a failure after the push.
 */
export async function checkKey(run: Runner, cosign: string, signer: Signer & { mode: 'key' }): Promise<boolean> {
  const kms = /^[a-z0-9]+:\/\//.test(signer.key.trim());
  const result = await run(cosign, ['public-key', '--key', kms ? signer.key.trim() : `env://${COSIGN_KEY_ENV}`], {
    env: { ...(kms ? {} : { [COSIGN_KEY_ENV]: signer.key }), COSIGN_PASSWORD: signer.password },
    allowFailure: true,
  });
  return result.exitCode === 0;
}
