import type { CliIo } from './io.js';

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const DELAY_MS = 500;

/**
 * Shows a spinner while `work` runs, but only on a terminal and only once the call has taken over half a second; the
 * line is wiped before the command prints its answer.
 */
export async function withSpinner<T>(io: CliIo, label: string, work: Promise<T>): Promise<T> {
  if (!io.stdout.isTTY) return work;
  let frame = 0;
  let interval: NodeJS.Timeout | undefined;
  const delay = setTimeout(() => {
    interval = setInterval(() => {
      io.stdout.write(`\r${FRAMES[frame++ % FRAMES.length] ?? ''} ${label}`);
    }, 80);
  }, DELAY_MS);
  try {
    return await work;
  } finally {
    clearTimeout(delay);
    if (interval) {
      clearInterval(interval);
      io.stdout.write('\r\u001b[K');
    }
  }
}
