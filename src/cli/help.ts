import type { CommandSpec } from './command.js';
import { usageOf } from './command.js';
import type { Output } from './output.js';

/** `vigil help`: every command, grouped by its first word. */
export function printOverview(out: Output, commands: readonly CommandSpec[]): void {
  out.line('vigil: the command line of vigil (IAM API keys, tokens, service IDs, policies, monitoring)');
  out.line();
  out.line('Usage: vigil COMMAND [ARGUMENTS] [OPTIONS]');
  const groups = new Map<string, CommandSpec[]>();
  for (const command of commands) {
    const group = command.name.includes(' ') ? (command.name.split(' ')[0] ?? '') : '';
    groups.set(group, [...(groups.get(group) ?? []), command]);
  }
  const width = Math.max(...commands.map((command) => command.name.length)) + 3;
  for (const [group, members] of groups) {
    out.line();
    out.line(group === '' ? 'Commands:' : `${group} commands:`);
    for (const command of members) out.line(`  ${command.name.padEnd(width)}${command.summary}`);
  }
  out.line();
  out.line('Global options: -h, --help (help for a command), --version. Run `vigil help COMMAND` for details.');
  out.line('Environment: VIGIL_HOME (where the session is kept; default ~/.vigil), VIGIL_API_KEY (for `vigil login`).');
}

/** `vigil help COMMAND` and `vigil COMMAND --help`. */
export function printCommandHelp(out: Output, command: CommandSpec): void {
  out.line(`NAME:\n  vigil ${command.name} - ${command.summary}`);
  out.line();
  out.line(`USAGE:\n  ${usageOf(command)}`);
  const options = Object.entries(command.options ?? {});
  if (options.length > 0 || command.json) {
    out.line();
    out.line('OPTIONS:');
    const rows = options.map(([name, option]) => {
      const flags =
        name.length === 1
          ? `-${name}`
          : [option.short ? `-${option.short}` : undefined, `--${name}`].filter(Boolean).join(', ');
      return [option.type === 'string' ? `${flags} ${option.value ?? name.toUpperCase()}` : flags, option.description];
    });
    if (command.json) rows.push(['--output json', 'Print the API’s JSON, for scripts.']);
    const width = Math.max(...rows.map(([flags]) => (flags ?? '').length)) + 3;
    for (const [flags, description] of rows) out.line(`  ${(flags ?? '').padEnd(width)}${description ?? ''}`);
  }
  if (command.details) {
    out.line();
    out.line(command.details.trimEnd());
  }
}
