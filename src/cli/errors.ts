/** A failure the CLI reports in its own words: stderr, exit status 1, and a hint on what to do next. */
export class CliError extends Error {
  override readonly name = 'CliError';

  constructor(
    message: string,
    readonly hint?: string,
    readonly exitCode: number = 1,
  ) {
    super(message);
  }
}

/** The command line itself is wrong: exit status 2, with the command's usage. */
export class UsageError extends CliError {
  constructor(message: string, hint?: string) {
    super(message, hint, 2);
  }
}

export const LOGIN_HINT = 'run `vigil login`';
