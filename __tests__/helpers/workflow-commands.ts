/**
 * What the GitHub Actions runner makes of a step's output, as actions/runner does it (Runner.Worker
 * ActionCommandManager + Runner.Common ActionCommand, read at the source): lines split as .NET's ReadLine splits them
 * ("\r", "\n", "\r\n"); a line is a command when, after leading white space, it starts with "::name ...::" (v2), or
 * holds "##[name ...]" anywhere (legacy); only registered names count, case-insensitively; `stop-commands`
 * suspends everything but its own token.
 */

export interface WorkflowCommand {
  command: string;
  properties: Record<string, string>;
  data: string;
  /** The line it came from. */
  line: string;
  /** Which output stream. */
  stream: 'stdout' | 'stderr';
}

/** The commands the runner registers (ActionCommandManager's extensions, the stop command). */
export const REGISTERED = [
  'set-env',
  'set-output',
  'save-state',
  'add-mask',
  'add-path',
  'add-matcher',
  'remove-matcher',
  'debug',
  'warning',
  'error',
  'notice',
  'group',
  'endgroup',
  'echo',
  'stop-commands',
];

const unescapeData = (s: string): string => s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
const unescapeProperty = (s: string): string =>
  s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%25/g, '%');
const unescapeLegacy = (s: string): string =>
  s.replace(/%3B/g, ';').replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%5D/g, ']').replace(/%25/g, '%');

function parse(line: string, registered: Set<string>): Omit<WorkflowCommand, 'line' | 'stream'> | undefined {
  // v2: "::name k=v,k=v::data" after leading white space.
  const trimmed = line.trimStart();
  if (trimmed.startsWith('::')) {
    const end = trimmed.indexOf('::', 2);
    if (end >= 0) {
      const info = trimmed.slice(2, end);
      const space = info.indexOf(' ');
      const name = space < 0 ? info : info.slice(0, space);
      if (registered.has(name.toLowerCase())) {
        const properties: Record<string, string> = {};
        if (space > 0) {
          for (const pair of info
            .slice(space + 1)
            .trim()
            .split(',')
            .filter(Boolean)) {
            const [k, ...v] = pair.split('=');
            if (v.length > 0 && k) properties[k] = unescapeProperty(v.join('='));
          }
        }
        return { command: name.toLowerCase(), properties, data: unescapeData(trimmed.slice(end + 2)) };
      }
    }
  }
  // legacy: "##[name k=v;k=v]data" anywhere in the line.
  const prefix = line.indexOf('##[');
  if (prefix < 0) return undefined;
  const rb = line.indexOf(']', prefix);
  if (rb < 0) return undefined;
  const info = line.slice(prefix + 3, rb);
  const space = info.indexOf(' ');
  const name = space < 0 ? info : info.slice(0, space);
  if (!registered.has(name.toLowerCase())) return undefined;
  const properties: Record<string, string> = {};
  if (space > 0) {
    for (const pair of info
      .slice(space + 1)
      .split(';')
      .filter(Boolean)) {
      const [k, ...v] = pair.split('=');
      if (v.length > 0 && k) properties[k] = unescapeLegacy(v.join('='));
    }
  }
  return { command: name.toLowerCase(), properties, data: unescapeLegacy(line.slice(rb + 1)) };
}

/**
 * Every command the runner would process in this output, in order (stop-commands and its resume included), as
 * the runner sees one step's stdout and stderr (each read line by line; commands from both).
 */
export function runnerCommands(stdout: string, stderr = ''): WorkflowCommand[] {
  const registered = new Set(REGISTERED);
  let stopToken: string | undefined;
  const processed: WorkflowCommand[] = [];
  for (const [stream, text] of [
    ['stdout', stdout],
    ['stderr', stderr],
  ] as const) {
    for (const line of text.split(/\r\n|\r|\n/)) {
      if (!line.includes('::') && !line.includes('##[')) continue;
      const command = parse(line, registered);
      if (!command) continue;
      if (stopToken !== undefined) {
        if (command.command === stopToken.toLowerCase()) {
          processed.push({ ...command, line, stream });
          registered.delete(stopToken.toLowerCase());
          stopToken = undefined;
        }
        continue;
      }
      if (command.command === 'stop-commands') {
        stopToken = command.data;
        registered.add(stopToken.toLowerCase());
      }
      processed.push({ ...command, line, stream });
    }
    // Each stream is its own reader in the runner, but they share the command state.
  }
  return processed;
}

/** Commands the action itself writes: annotations, groups, masks, debug lines and its own stop/resume pairs. */
const OURS = new Set(['debug', 'warning', 'error', 'notice', 'group', 'endgroup', 'add-mask', 'stop-commands']);

/** The groups the action opens, one per phase. */
const GROUPS =
  /^((Test stage|Build|Analysis of|Smoke test|Scan|Upload SARIF of|Push|Code scanning processing of) [A-Za-z0-9_.-]+|Build checks)$/;

/**
 * Commands in the output the action did not mean to write: any command of a kind it never writes, any stop it did
 * not resume with its own token, any command whose data or a property starts with `canary` (the attacks' marker),
 * any mask of the canary, and any group the action does not open. Empty when the output is clean.
 */
export function unintendedCommands(stdout: string, stderr = '', canary = 'PWNED'): WorkflowCommand[] {
  const commands = runnerCommands(stdout, stderr);
  const bad: WorkflowCommand[] = [];
  let open: string | undefined;
  for (const c of commands) {
    if (c.command === 'stop-commands') {
      if (!/^msa-[0-9a-f]{32}$/.test(c.data)) bad.push(c);
      open = c.data;
      continue;
    }
    if (open !== undefined && c.command === open.toLowerCase()) {
      open = undefined;
      continue;
    }
    if (!OURS.has(c.command)) bad.push(c);
    else if (Object.values(c.properties).some((v) => v.trimStart().startsWith(canary))) bad.push(c);
    else if (c.command === 'add-mask' && c.data.includes(canary)) bad.push(c);
    else if (c.data.trimStart().startsWith(canary)) bad.push(c);
    else if (c.command === 'group' && !GROUPS.test(c.data)) bad.push(c);
  }
  if (open !== undefined)
    bad.push({ command: 'stop-commands', properties: {}, data: open, line: '(never resumed)', stream: 'stdout' });
  return bad;
}

/**
 * The output as the log shows it: every value registered with `add-mask` (by a command the runner processed) is
 * replaced by *** in every later line, as the runner's secret masker does.
 */
export function maskedLog(stdout: string): string {
  const masks: string[] = [];
  const shown: string[] = [];
  let stopToken: string | undefined;
  const registered = new Set(REGISTERED);
  for (const line of stdout.split(/\r\n|\r|\n/)) {
    const command = line.includes('::') || line.includes('##[') ? parse(line, registered) : undefined;
    if (command && stopToken === undefined && command.command === 'add-mask') {
      masks.push(command.data);
      continue;
    }
    if (command && stopToken === undefined && command.command === 'stop-commands') {
      stopToken = command.data;
      registered.add(stopToken.toLowerCase());
    } else if (command && stopToken !== undefined && command.command === stopToken.toLowerCase()) {
      registered.delete(stopToken.toLowerCase());
      stopToken = undefined;
    }
    let text = line;
    for (const mask of [...masks].sort((a, b) => b.length - a.length)) if (mask) text = text.split(mask).join('***');
    shown.push(text);
  }
  return shown.join('\n');
}
