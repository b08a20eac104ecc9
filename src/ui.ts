import * as core from '@actions/core';

export interface AnnotationProps {
  title?: string;
  file?: string;
  startLine?: number;
}

/**
 * Where the pipeline tells a person what happens: workflow commands on GitHub, plain lines on a terminal.
 * Phases talk to this, never to `core` directly, so the same pipeline runs from the command line.
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

export const actionsUi: Ui = {
  info: (m) => core.info(m),
  debug: (m) => core.debug(m),
  notice: (m, p) => core.notice(m, p),
  warning: (m, p) => core.warning(m, p),
  error: (m, p) => core.error(m, p),
  group: async (name, fn) => {
    core.startGroup(name);
    try {
      return await fn();
    } finally {
      core.endGroup();
    }
  },
  secret: (v) => core.setSecret(v),
};

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
