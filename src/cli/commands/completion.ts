import { defineCommand, type CommandSpec } from '../command.js';
import { completionScript } from '../completion.js';
import { UsageError } from '../errors.js';

/** `vigil completion bash|zsh`; the command list is passed in, as the registry includes this command. */
export function completionCommand(all: () => readonly CommandSpec[]): CommandSpec {
  return defineCommand({
    name: 'completion',
    summary: 'Print a shell completion script: source <(vigil completion bash)',
    args: ['bash|zsh'],
    async run(ctx, args) {
      const shell = args.positional(0);
      if (shell !== 'bash' && shell !== 'zsh') throw new UsageError(`completion for 'bash' or 'zsh', not '${shell}'`);
      ctx.io.stdout.write(completionScript(shell, all()));
    },
  });
}
