import { parseArgs, type ParseArgsConfig } from 'node:util';
import { VigilApiError, VigilConnectionError } from '../client/errors.js';
import { VERSION } from '../version.js';
import { Args, flagOf, usageOf, type CommandSpec } from './command.js';
import { createContext } from './context.js';
import { CliError, LOGIN_HINT, UsageError } from './errors.js';
import { printCommandHelp, printOverview } from './help.js';
import type { CliIo } from './io.js';
import { Output } from './output.js';

/**
 * Runs one command line and returns the exit status: 0, 1 when the command failed (the reason on stderr), 2 when the
 * command line itself was wrong. Nothing here knows any command; they come from the registry.
 */
export async function runCli(argv: readonly string[], io: CliIo, commands: readonly CommandSpec[]): Promise<number> {
  const out = new Output(io);
  const [first, second] = argv;
  if (first === undefined || first === '-h' || first === '--help') {
    printOverview(out, commands);
    return 0;
  }
  if (first === '--version' || first === '-v') {
    out.line(`vigil version ${VERSION}`);
    return 0;
  }
  if (first === 'help') {
    const wanted = argv.slice(1).join(' ');
    if (wanted === '') {
      printOverview(out, commands);
      return 0;
    }
    const command = commands.find((candidate) => candidate.name === wanted);
    if (!command)
      return report(io, undefined, new UsageError(`'vigil ${wanted}' is not a command`, 'run `vigil help`'));
    printCommandHelp(out, command);
    return 0;
  }

  const command =
    commands.find((candidate) => second !== undefined && candidate.name === `${first} ${second}`) ??
    commands.find((candidate) => candidate.name === first);
  if (!command) {
    const words = second !== undefined && !second.startsWith('-') ? `${first} ${second}` : first;
    return report(io, undefined, new UsageError(`'vigil ${words}' is not a command`, 'run `vigil help`'));
  }
  const rest = argv.slice(command.name.split(' ').length);

  let parsed: { values: Record<string, string | boolean | (string | boolean)[] | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({ args: [...rest], options: parseOptionsOf(command), allowPositionals: true, strict: true });
  } catch (error) {
    return report(io, command, new UsageError(error instanceof Error ? error.message : String(error)));
  }
  if (parsed.values['help'] === true) {
    printCommandHelp(out, command);
    return 0;
  }
  const output = parsed.values['output'];
  if (output !== undefined && (!command.json || String(output).toLowerCase() !== 'json')) {
    const message = command.json
      ? `--output takes 'json', not '${String(output)}'`
      : `'vigil ${command.name}' has no --output`;
    return report(io, command, new UsageError(message));
  }
  const missing = Object.entries(command.options ?? {}).find(
    ([name, option]) => option.required && parsed.values[name] === undefined,
  );
  if (missing) return report(io, command, new UsageError(`missing ${flagOf(missing[0], missing[1])}`));
  const arity = arityError(command, parsed.positionals);
  if (arity) return report(io, command, arity);

  try {
    await command.run(createContext(io, output !== undefined), new Args(parsed.values, parsed.positionals));
    return 0;
  } catch (error) {
    return report(io, command, error);
  }
}

function parseOptionsOf(command: CommandSpec): NonNullable<ParseArgsConfig['options']> {
  const options: NonNullable<ParseArgsConfig['options']> = { help: { type: 'boolean', short: 'h' } };
  if (command.json) options['output'] = { type: 'string' };
  for (const [name, option] of Object.entries(command.options ?? {})) {
    options[name] = option.short ? { type: option.type, short: option.short } : { type: option.type };
  }
  return options;
}

function arityError(command: CommandSpec, positionals: readonly string[]): UsageError | undefined {
  const specs = command.args ?? [];
  const rest = specs.some((arg) => arg.endsWith('...'));
  const required = specs.filter((arg) => !arg.endsWith('?') && !arg.endsWith('...'));
  if (positionals.length < required.length) {
    return new UsageError(`missing ${required.slice(positionals.length).join(', ')}`);
  }
  if (!rest && positionals.length > specs.length) {
    return new UsageError(`unexpected argument '${positionals[specs.length] ?? ''}'`);
  }
  return undefined;
}

/** Writes the failure to stderr in the CLI's words and returns the exit status. */
function report(io: CliIo, command: CommandSpec | undefined, error: unknown): number {
  if (error instanceof UsageError) {
    io.stderr.write(`vigil: ${withHint(error.message, error.hint)}\n`);
    if (command) io.stderr.write(`Usage: ${usageOf(command)}\n`);
    return error.exitCode;
  }
  io.stderr.write('FAILED\n');
  if (error instanceof CliError) {
    io.stderr.write(`${withHint(error.message, error.hint)}\n`);
    return error.exitCode;
  }
  if (error instanceof VigilApiError) {
    const hint = error.status === 401 ? LOGIN_HINT : undefined;
    io.stderr.write(`${withHint(`${error.message} (${error.code}, HTTP ${error.status})`, hint)}\n`);
    return 1;
  }
  if (error instanceof VigilConnectionError) {
    io.stderr.write(`${withHint(error.message, 'is the server running? `vigil target` shows the endpoint')}\n`);
    return 1;
  }
  io.stderr.write(`unexpected error: ${error instanceof Error ? error.message : String(error)}\n`);
  return 1;
}

function withHint(message: string, hint: string | undefined): string {
  return hint ? `${message}: ${hint}` : message;
}
