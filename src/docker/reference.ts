// A Docker image reference: [host[:port]/]path[:tag][@digest], path components lower-case.
const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const HOST =
  '(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?/)?';
const NAME_RE = new RegExp(`^${HOST}${COMPONENT}(?:/${COMPONENT})*$`);
/** A tag: letters, digits, `_`, `.` and `-`, not starting with `.` or `-`, at most 128 characters. */
export const TAG_RE = /^[\w][\w.-]{0,127}$/;

export function isImageName(name: string): boolean {
  return NAME_RE.test(name) && name.length <= 255;
}

/** `name[:tag]`, the form `--tag` takes. */
export function isImageTag(reference: string): boolean {
  const { name, tag } = splitReference(reference);
  return isImageName(name) && (tag === undefined || TAG_RE.test(tag));
}

/** A reference's name and its tag (undefined when it has none); a registry's port is not a tag. */
export function splitReference(reference: string): { name: string; tag?: string } {
  const slash = reference.lastIndexOf('/');
  const colon = reference.lastIndexOf(':');
  if (colon > slash) return { name: reference.slice(0, colon), tag: reference.slice(colon + 1) };
  return { name: reference };
}
