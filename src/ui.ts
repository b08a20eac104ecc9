import * as core from '@actions/core';
import { inert } from './untrusted.js';

export interface AnnotationProps {
  title?: string;
  file?: string;
  startLine?: number;
}

export type AnnotationKind = 'error' | 'warning' | 'notice';

/**
 * Where the pipeline tells a person what happens: workflow commands on GitHub, plain lines on a terminal.
 * Phases talk to this, never to `core` directly, so the same pipeline runs from the command line.
 *
 * `info` never becomes a workflow command, whatever it holds: it is the way out for text a build, a container or a
 * report produced. Annotations escape their message and properties (as @actions/core does).
 */
export interface Ui {
  info(message: string): void;
  debug(message: string): void;
  notice(message: string, props?: AnnotationProps): void;
  warning(message: string, props?: AnnotationProps): void;
  error(message: string, props?: AnnotationProps): void;
  /** A collapsed section that always closes, even when `fn` throws. */
  group<T>(name: string, fn: () => Promise<T>): Promise<T>;
  /** Hide a value from every later log line. */
  secret(value: string): void;
}

/**
 * GitHub shows 10 annotations of each kind per step (and 50 per job); more are dropped without a word. One error
 * is kept for the step's own failure message.
 */
export const ANNOTATION_BUDGET: Record<AnnotationKind, number> = { error: 9, warning: 10, notice: 10 };

/** Lines of a multi-line secret are masked one by one too: the runner masks line by line. */
export function maskedValues(value: string): string[] {
  const values = new Set<string>();
  if (value.trim() !== '') values.add(value);
  for (const line of value.split(/\r\n|\r|\n/)) {
    if (line.trim().length >= 4) values.add(line);
  }
  return [...values];
}

export class ActionsUi implements Ui {
  private readonly used: Record<AnnotationKind, number> = { error: 0, warning: 0, notice: 0 };
  readonly leftOut: Record<AnnotationKind, number> = { error: 0, warning: 0, notice: 0 };

  constructor(
    private readonly write: (text: string) => void = (text) => void process.stdout.write(text),
    private readonly budget: Record<AnnotationKind, number> = ANNOTATION_BUDGET,
  ) {}

  info(message: string): void {
    this.write(`${inert(message)}\n`);
  }

  debug(message: string): void {
    core.debug(message);
  }

  private annotate(kind: AnnotationKind, message: string, props?: AnnotationProps): void {
    if (this.used[kind] < this.budget[kind]) {
      this.used[kind]++;
      core[kind](message, props);
      return;
    }
    this.leftOut[kind]++;
    const where = props?.file ? ` (${props.file}${props.startLine ? `:${props.startLine}` : ''})` : '';
    const label = { error: 'Error', warning: 'Warning', notice: 'Notice' }[kind];
    this.info(`${label}${where}: ${props?.title ? `${props.title}: ` : ''}${message}`);
  }

  notice(message: string, props?: AnnotationProps): void {
    this.annotate('notice', message, props);
  }

  warning(message: string, props?: AnnotationProps): void {
    this.annotate('warning', message, props);
  }

  error(message: string, props?: AnnotationProps): void {
    this.annotate('error', message, props);
  }

  async group<T>(name: string, fn: () => Promise<T>): Promise<T> {
    core.startGroup(name);
    try {
      return await fn();
    } finally {
      core.endGroup();
    }
  }

  secret(value: string): void {
    for (const masked of maskedValues(value)) core.setSecret(masked);
  }

  /** One line for the annotations GitHub would not have shown, or undefined when every one was annotated. */
  leftOutNote(): string | undefined {
    const parts = (Object.keys(this.leftOut) as AnnotationKind[])
      .filter((kind) => this.leftOut[kind] > 0)
      .map((kind) => `${this.leftOut[kind]} ${kind}${this.leftOut[kind] === 1 ? '' : 's'}`);
    if (parts.length === 0) return undefined;
    return `${parts.join(', ')} more than GitHub shows as annotations (10 of each kind per step) are printed as log lines above and listed in the job summary`;
  }
}

/**
 * A Ui that holds what a phase running in the background says, to be told in one piece (`replay`) when the
 * pipeline reaches that phase, so the log keeps one group per phase in the order of the road. Secrets are masked
 * at once.
 */
export function bufferedUi(target: Ui): Ui & { replay(): void } {
  const held: (() => void)[] = [];
  return {
    info: (m) => void held.push(() => target.info(m)),
    debug: (m) => void held.push(() => target.debug(m)),
    notice: (m, p) => void held.push(() => target.notice(m, p)),
    warning: (m, p) => void held.push(() => target.warning(m, p)),
    error: (m, p) => void held.push(() => target.error(m, p)),
    // One level of groups is all a log shows; a group inside a held phase is just its lines.
    group: (_name, fn) => fn(),
    secret: (v) => target.secret(v),
    replay: () => {
      for (const say of held.splice(0)) say();
    },
  };
}

type Held = { say: (ui: Ui) => void } | { group: string; entries: Held[] };

/** Every held target log not told yet: a cancelled run tells them before it exits (`tellUntold`). */
const untold = new Set<{ tell(): Promise<void> }>();

/** Tell what every target still in flight has said so far (a cancelled run: its log is all the user will see). */
export async function tellUntold(): Promise<void> {
  for (const held of [...untold]) await held.tell();
}

/**
 * A Ui for one target among several running at once: everything it is told (groups included) is held, and `tell`
 * writes it to `target` in one piece, so no other target's line lands inside it. Tell one target at a time (`tell`
 * resolves when the last group is closed); what comes after `tell` goes straight through. Secrets are masked at
 * once.
 */
export function heldUi(target: Ui): Ui & { tell(): Promise<void> } {
  const entries: Held[] = [];
  let current = entries;
  let told = false;
  const hold = (say: (ui: Ui) => void) => (told ? say(target) : void current.push({ say }));
  const tellAll = async (list: Held[]): Promise<void> => {
    for (const entry of list) {
      if ('say' in entry) entry.say(target);
      else await target.group(entry.group, () => tellAll(entry.entries));
    }
  };
  const held: Ui & { tell(): Promise<void> } = {
    info: (m) => hold((ui) => ui.info(m)),
    debug: (m) => hold((ui) => ui.debug(m)),
    notice: (m, p) => hold((ui) => ui.notice(m, p)),
    warning: (m, p) => hold((ui) => ui.warning(m, p)),
    error: (m, p) => hold((ui) => ui.error(m, p)),
    group: async (name, fn) => {
      if (told) return target.group(name, fn);
      const group = { group: name, entries: [] as Held[] };
      current.push(group);
      const outer = current;
      current = group.entries;
      try {
        return await fn();
      } finally {
        current = outer;
      }
    },
    secret: (v) => target.secret(v),
    tell: async () => {
      untold.delete(held);
      told = true;
      await tellAll(entries.splice(0));
    },
  };
  untold.add(held);
  return held;
}
