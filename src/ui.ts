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
