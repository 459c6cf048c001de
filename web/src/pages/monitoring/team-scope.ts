/** Sysdig's team roles, with the names the Sysdig UI gives them. */
export const TEAM_ROLES = [
  { id: 'ROLE_TEAM_READ', label: 'View only' },
  { id: 'ROLE_TEAM_STANDARD', label: 'Standard user' },
  { id: 'ROLE_TEAM_EDIT', label: 'Advanced user' },
  { id: 'ROLE_TEAM_MANAGER', label: 'Team manager' },
] as const;

export function roleLabel(role: string): string {
  return TEAM_ROLES.find((candidate) => candidate.id === role)?.label ?? role;
}

const CLAUSE =
  /^[A-Za-z_][\w.:/-]*\s*(?:!=|=|\s(?:not\s+in|in|does\s+not\s+contain|contains|starts\s+with)\s)\s*(?:"(?:[^"\\]|\\.)*"|\(.*\))$/i;

/**
 * A first check of a team scope before it is sent (the server has the last word): each `and`-joined clause reads
 * `label operator value`, the value quoted or a parenthesised list.
 */
export function scopeProblem(filter: string): string | undefined {
  const text = filter.trim();
  if (text === '') return undefined;
  const clauses = text.split(/\s+and\s+/i);
  for (const [index, clause] of clauses.entries()) {
    if (!CLAUSE.test(clause.trim())) {
      return `Condition ${index + 1} ("${clause.trim()}") should read: label operator "value", for example kubernetes.namespace.name = "prod" or host.hostName in ("a", "b").`;
    }
  }
  return undefined;
}
