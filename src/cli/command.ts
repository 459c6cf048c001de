import type { VigilClient } from '../client/vigil-client.js';
import { UsageError } from './errors.js';
import type { CliIo } from './io.js';
import type { Output } from './output.js';
import type { Session, SessionStore } from './session.js';

export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  /** The value's name in help: `--file FILE`. */
  readonly value?: string;
  readonly description: string;
  /** Must be given (`--roles`): shown without brackets, and its absence is a usage error before `run`. */
  readonly required?: boolean;
}

/** Overrides of the session's instance and team for one command's `/api/…` calls. */
export interface TargetOverride {
  readonly instanceGuid?: string;
  readonly teamId?: number;
}

/** What a command is given to do its work. */
export interface CommandContext {
  readonly io: CliIo;
  readonly out: Output;
  /** `--output json`: print the API's JSON instead of text. */
  readonly json: boolean;
  readonly sessions: SessionStore;
  /** The saved session, or a "not logged in" error. */
  session(): Session;
  /** Replaces the saved session (and the one this command works with). */
  saveSession(session: Session): void;
  /** A client for the session's endpoint, authenticated with its (refreshed when near expiry) access token. */
  client(target?: TargetOverride): VigilClient;
  /** A client without credentials: logging in. */
  anonymousClient(endpoint: string): VigilClient;
  /** The session's access token, refreshed first when it expires within five minutes. */
  accessToken(): Promise<string>;
  confirm(question: string, force: boolean): Promise<boolean>;
  readSecret(prompt: string): Promise<string>;
  /** Asks for a line on the terminal, echoed. */
  ask(prompt: string): Promise<string>;
  /** Runs `work` under a spinner (on a terminal, after half a second). */
  spin<T>(label: string, work: Promise<T>): Promise<T>;
}

export interface CommandSpec {
  /** The words that select it: `login`, `iam api-key-create`. */
  readonly name: string;
  readonly summary: string;
  /** Positional arguments in order; a trailing `?` makes one optional (`NAME?`), `...` takes the rest. */
  readonly args?: readonly string[];
  readonly options?: Readonly<Record<string, OptionSpec>>;
  /** Accepts `--output json`. */
  readonly json?: boolean;
  /** More help: examples, notes. */
  readonly details?: string;
  run(ctx: CommandContext, args: Args): Promise<void>;
}

/** The parsed command line of one command, with typed accessors. */
export class Args {
  constructor(
    private readonly values: Readonly<Record<string, string | boolean | (string | boolean)[] | undefined>>,
    readonly positionals: readonly string[],
  ) {}

  string(name: string): string | undefined {
    const value = this.values[name];
    return typeof value === 'string' ? value : undefined;
  }

  flag(name: string): boolean {
    return this.values[name] === true;
  }

  /** A positional argument the spec declared required (checked before `run`). */
  positional(index: number): string {
    const value = this.positionals[index];
    if (value === undefined) throw new UsageError(`missing argument ${index + 1}`);
    return value;
  }

  optional(index: number): string | undefined {
    return this.positionals[index];
  }

  /** A whole number option (`--grace 30`), or a usage error naming the option. */
  integer(name: string, range: { min: number; max: number }): number | undefined {
    const raw = this.string(name);
    if (raw === undefined) return undefined;
    const value = Number(raw);
    if (!/^-?\d+$/.test(raw.trim()) || !Number.isSafeInteger(value) || value < range.min || value > range.max) {
      throw new UsageError(`--${name} must be a whole number from ${range.min} to ${range.max}, not '${raw}'`);
    }
    return value;
  }
}

export function defineCommand(spec: CommandSpec): CommandSpec {
  return spec;
}

/** `NAME [-d DESCRIPTION] [--lock]` */
export function usageOf(spec: CommandSpec): string {
  const args = (spec.args ?? []).map((arg) =>
    arg.endsWith('?') ? `[${arg.slice(0, -1)}]` : arg.endsWith('...') ? `[${arg}]` : arg,
  );
  const options = Object.entries(spec.options ?? {}).map(([name, option]) => {
    const flag = flagOf(name, option);
    const text = option.type === 'string' ? `${flag} ${option.value ?? name.toUpperCase()}` : flag;
    return option.required ? text : `[${text}]`;
  });
  if (spec.json) options.push('[--output json]');
  return ['vigil', spec.name, ...args, ...options].join(' ');
}

/** How an option is written: `-f` for a one-letter name or a short form, `--name` otherwise. */
export function flagOf(name: string, option: OptionSpec): string {
  if (option.short) return `-${option.short}`;
  return name.length === 1 ? `-${name}` : `--${name}`;
}
