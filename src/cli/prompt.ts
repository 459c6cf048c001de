import { UsageError } from './errors.js';
import type { CliIo } from './io.js';

/**
 * Asks before a delete or a reset. `-f` skips the question; without a terminal to ask on, the command is refused
 * rather than answered for the user.
 */
export async function confirm(io: CliIo, question: string, force: boolean): Promise<boolean> {
  if (force) return true;
  if (!io.stdin.isTTY) {
    throw new UsageError(
      'this needs a confirmation, and standard input is not a terminal',
      'add -f to go ahead without asking',
    );
  }
  io.stderr.write(`${question} [y/N] `);
  const answer = (await readLine(io, false)).trim().toLowerCase();
  return answer === 'y' || answer === 'yes';
}

/**
 * Reads a secret: on a terminal without echo, else the first line of standard input (so scripts can pipe it in).
 */
export async function readSecret(io: CliIo, prompt: string): Promise<string> {
  if (io.stdin.isTTY) io.stderr.write(prompt);
  const value = await readLine(io, io.stdin.isTTY === true);
  if (io.stdin.isTTY) io.stderr.write('\n');
  return value;
}

/** Asks for a line, echoed (an email). */
export async function ask(io: CliIo, prompt: string): Promise<string> {
  io.stderr.write(prompt);
  return readLine(io, false);
}

/** One line from stdin; with `hidden`, in raw mode, echoing nothing (Ctrl-C aborts, backspace edits). */
function readLine(io: CliIo, hidden: boolean): Promise<string> {
  const input = io.stdin;
  return new Promise((resolve, reject) => {
    let buffer = '';
    const raw = hidden && typeof input.setRawMode === 'function';
    if (raw) input.setRawMode?.(true);
    const finish = (error?: Error) => {
      input.removeListener('data', onData);
      input.removeListener('end', onEnd);
      input.removeListener('error', onError);
      if (raw) input.setRawMode?.(false);
      input.pause();
      if (error) reject(error);
      else resolve(buffer);
    };
    const onData = (chunk: Buffer | string) => {
      for (const char of chunk.toString()) {
        if (char === '\n' || char === '\r') return finish();
        if (raw && char === '\u0003') return finish(new UsageError('interrupted'));
        if (raw && (char === '\u007f' || char === '\b')) buffer = buffer.slice(0, -1);
        else buffer += char;
      }
    };
    const onEnd = () => finish();
    const onError = (error: Error) => finish(error);
    input.on('data', onData);
    input.on('end', onEnd);
    input.on('error', onError);
    input.resume();
  });
}
