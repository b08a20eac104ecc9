/**
 * A small Dockerfile reader: enough to list the stages, their line numbers and the graph between them
 * (FROM <stage>, COPY/ADD --from=<stage>, RUN --mount=...,from=<stage>), so the action can reject an
 * unknown target before building and draw which stages a target needs.
 */

export interface Instruction {
  keyword: string;
  /** Everything after the keyword, continuation lines joined. */
  args: string;
  /** 1-based line where the instruction starts. */
  line: number;
}

export interface Stage {
  /** Position among the FROMs, from 0. */
  index: number;
  /** The `AS name`, if any (as written). */
  name?: string;
  /** The FROM argument after build-arg substitution (an image or another stage's name). */
  base: string;
  /** The FROM argument as written (flags left out). */
  from: string;
  line: number;
  /** Stages this one reads from (its base stage and every --from/mount from), by index. */
  dependsOn: number[];
  /** Images this stage pulls, not counting other stages. */
  images: string[];
  /** Its instructions, the FROM first. */
  body: Instruction[];
}

export interface Dockerfile {
  stages: Stage[];
  /** Global ARGs (before the first FROM) with their defaults. */
  globalArgs: Record<string, string | undefined>;
}

/** Split into instructions, honouring `\` (or the escape directive's) continuations, comments and heredocs. */
export function instructions(text: string): Instruction[] {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  let escape = '\\';
  for (const line of lines) {
    const directive = /^#\s*([a-zA-Z]+)\s*=\s*(\S+)\s*$/.exec(line);
    if (!directive) break;
    if (directive[1].toLowerCase() === 'escape') escape = directive[2];
  }
  const result: Instruction[] = [];
  let i = 0;
  while (i < lines.length) {
    const first = lines[i];
    if (/^\s*(#.*)?$/.test(first)) {
      i++;
      continue;
    }
    const start = i + 1;
    let body = '';
    let current = first;
    for (;;) {
      const trimmed = current.replace(/\s+$/, '');
      if (trimmed.endsWith(escape)) {
        body += trimmed.slice(0, -escape.length) + ' ';
        i++;
        // Comment lines inside a continuation are dropped, as BuildKit does.
        while (i < lines.length && /^\s*#/.test(lines[i])) i++;
        if (i >= lines.length) break;
        current = lines[i];
      } else {
        body += trimmed;
        i++;
        break;
      }
    }
    const match = /^\s*(\S+)\s*(.*)$/s.exec(body);
    if (!match) continue;
    const instruction = { keyword: match[1].toUpperCase(), args: match[2].trim(), line: start };
    result.push(instruction);
    // Skip heredoc bodies (RUN <<EOF ... EOF, COPY <<EOF ...).
    for (const heredoc of instruction.args.matchAll(/<<-?\s*(["']?)([A-Za-z_][A-Za-z0-9_]*)\1/g)) {
      const terminator = heredoc[2];
      while (i < lines.length && lines[i].trim() !== terminator) i++;
      i++;
    }
  }
  return result;
}

/** Expand $VAR, ${VAR}, ${VAR:-default} and ${VAR:+alt} from the given values. */
export function expandArgs(value: string, values: Record<string, string | undefined>): string {
  return value.replace(
    /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?::?([-+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g,
    (_all, braced: string | undefined, op: string | undefined, word: string | undefined, bare: string | undefined) => {
      const name = (braced ?? bare) as string;
      const current = values[name];
      if (op === '-') return current ? current : (word ?? '');
      if (op === '+') return current ? (word ?? '') : '';
      return current ?? '';
    },
  );
}

function flagValues(args: string, flag: string): string[] {
  const values: string[] = [];
  for (const m of args.matchAll(new RegExp(`--${flag}=("[^"]*"|'[^']*'|\\S+)`, 'g'))) {
    values.push(m[1].replace(/^["']|["']$/g, ''));
  }
  return values;
}

/** Parse a Dockerfile's text. `buildArgs` are the user's build-args (NAME=value) overriding global ARG defaults. */
export function parseDockerfile(text: string, buildArgs: Record<string, string> = {}): Dockerfile {
  const globalArgs: Record<string, string | undefined> = {};
  const stages: Stage[] = [];
  const byName = new Map<string, number>();
  const resolveStage = (ref: string): number | undefined => {
    if (/^\d+$/.test(ref)) {
      const index = Number(ref);
      return index < stages.length ? index : undefined;
    }
    return byName.get(ref.toLowerCase());
  };
  const addDependency = (stage: Stage, ref: string): void => {
    const index = resolveStage(ref);
    if (index === undefined) {
      if (!stage.images.includes(ref)) stage.images.push(ref);
    } else if (!stage.dependsOn.includes(index)) {
      stage.dependsOn.push(index);
    }
  };

  for (const instruction of instructions(text)) {
    const current = stages.at(-1);
    if (current && instruction.keyword !== 'FROM') current.body.push(instruction);
    if (instruction.keyword === 'ARG' && !current) {
      for (const decl of instruction.args.split(/\s+/)) {
        const eq = decl.indexOf('=');
        const name = eq < 0 ? decl : decl.slice(0, eq);
        const fallback = eq < 0 ? undefined : decl.slice(eq + 1).replace(/^["']|["']$/g, '');
        globalArgs[name] = name in buildArgs ? buildArgs[name] : fallback;
      }
    } else if (instruction.keyword === 'FROM') {
      const words = instruction.args.split(/\s+/).filter((w) => !w.startsWith('--'));
      const base = expandArgs(words[0] ?? '', globalArgs);
      const name = words.length >= 3 && words[1].toLowerCase() === 'as' ? words[2] : undefined;
      const stage: Stage = {
        index: stages.length,
        name,
        base,
        from: words[0] ?? '',
        line: instruction.line,
        dependsOn: [],
        images: [],
        body: [instruction],
      };
      if (base.toLowerCase() !== 'scratch') addDependency(stage, base);
      stages.push(stage);
      if (name) byName.set(name.toLowerCase(), stage.index);
    } else if (current && (instruction.keyword === 'COPY' || instruction.keyword === 'ADD')) {
      for (const from of flagValues(instruction.args, 'from')) addDependency(current, from);
    } else if (current && instruction.keyword === 'RUN') {
      for (const mount of flagValues(instruction.args, 'mount')) {
        const from = /(?:^|,)from=([^,]+)/.exec(mount);
        if (from) addDependency(current, from[1]);
      }
    }
  }
  return { stages, globalArgs };
}

export function findStage(dockerfile: Dockerfile, target: string): Stage | undefined {
  return dockerfile.stages.find((s) => s.name?.toLowerCase() === target.toLowerCase());
}

/** The target and every stage it needs, transitively, in Dockerfile order. */
export function stagesNeeded(dockerfile: Dockerfile, target: Stage): Stage[] {
  const needed = new Set<number>();
  const visit = (index: number): void => {
    if (needed.has(index)) return;
    needed.add(index);
    for (const dep of dockerfile.stages[index].dependsOn) visit(dep);
  };
  visit(target.index);
  return dockerfile.stages.filter((s) => needed.has(s.index));
}

export function stageLabel(stage: Stage): string {
  return stage.name ?? `stage-${stage.index}`;
}

/** Instructions BuildKit numbers as steps (`[stage i/n]`): the rest only change the image's config. */
const STEP_KEYWORDS = new Set(['FROM', 'RUN', 'COPY', 'ADD', 'WORKDIR']);

/** The Dockerfile instruction of BuildKit's step `[stage index/n] text`, when it can be told. */
export function stepInstruction(stage: Stage, index: number, text: string): Instruction | undefined {
  const steps = stage.body.filter((i) => STEP_KEYWORDS.has(i.keyword));
  const found = steps[index - 1];
  return found && text.toUpperCase().startsWith(found.keyword) ? found : undefined;
}
