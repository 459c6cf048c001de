import os from 'node:os';

/**
 * Everything the CLI touches outside itself, passed in so that a test can run a command against strings (the
 * subprocess tests use the real process).
 */
export interface CliIo {
  readonly stdout: { write(text: string): void; readonly isTTY: boolean };
  readonly stderr: { write(text: string): void };
  readonly stdin: NodeJS.ReadableStream & { readonly isTTY?: boolean; setRawMode?: (mode: boolean) => unknown };
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly homeDir: string;
  readonly cwd: string;
}

export function processIo(): CliIo {
  return {
    stdout: {
      write: (text) => void process.stdout.write(text),
      isTTY: process.stdout.isTTY === true,
    },
    stderr: { write: (text) => void process.stderr.write(text) },
    stdin: process.stdin,
    env: process.env,
    homeDir: os.homedir(),
    cwd: process.cwd(),
  };
}
