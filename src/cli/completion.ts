import { flagOf, type CommandSpec } from './command.js';

/**
 * Shell completion scripts, generated from the command list: the first word, the second word of a group, then the
 * options of the command being typed.
 */
export function completionScript(shell: 'bash' | 'zsh', commands: readonly CommandSpec[]): string {
  const top = new Set<string>(['help']);
  const groups = new Map<string, string[]>();
  const options: string[] = [];
  for (const command of commands) {
    const [first, second] = command.name.split(' ');
    if (!first) continue;
    top.add(first);
    if (second) groups.set(first, [...(groups.get(first) ?? []), second]);
    const flags = Object.entries(command.options ?? {}).map(([name, option]) => flagOf(name, option));
    if (command.json) flags.push('--output');
    options.push(`    "${command.name}") opts="${[...flags, '--help'].join(' ')}" ;;`);
  }
  const groupCases = [...groups].map(([group, words]) => `    ${group}) words="${words.join(' ')}" ;;`).join('\n');
  const bash = `# vigil completion for bash: source <(vigil completion bash)
_vigil() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" words="" opts=""
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=( $(compgen -W "${[...top].join(' ')} --version --help" -- "$cur") )
    return
  fi
  if [ "$COMP_CWORD" -eq 2 ]; then
    case "\${COMP_WORDS[1]}" in
${groupCases}
    esac
    if [ -n "$words" ]; then
      COMPREPLY=( $(compgen -W "$words" -- "$cur") )
      return
    fi
  fi
  local name="\${COMP_WORDS[1]}"
  case "\${COMP_WORDS[1]}" in
${[...groups.keys()].map((group) => `    ${group}) name="${group} \${COMP_WORDS[2]}" ;;`).join('\n')}
  esac
  case "$name" in
${options.join('\n')}
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=( $(compgen -W "$opts" -- "$cur") )
  fi
}
complete -o default -F _vigil vigil
`;
  if (shell === 'bash') return bash;
  return `#compdef vigil
# vigil completion for zsh: source <(vigil completion zsh)
autoload -U +X bashcompinit && bashcompinit
${bash}`;
}
