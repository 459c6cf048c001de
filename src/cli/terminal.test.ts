import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import type { CliIo } from './io.js';
import { Output } from './output.js';
import { confirm, readSecret } from './prompt.js';
import { withSpinner } from './spinner.js';

/** What only happens on a terminal (spinner, colour, questions, hidden input), with a fake one. */

interface FakeIo extends CliIo {
  readonly written: { stdout: string; stderr: string };
  readonly input: PassThrough & { isTTY?: boolean; rawModes: boolean[] };
}

function fakeIo(options: { tty: boolean; env?: Record<string, string> }): FakeIo {
  const written = { stdout: '', stderr: '' };
  const input = Object.assign(new PassThrough(), {
    isTTY: options.tty,
    rawModes: [] as boolean[],
    setRawMode(mode: boolean) {
      input.rawModes.push(mode);
      return input;
    },
  });
  return {
    written,
    input,
    stdout: { write: (text) => void (written.stdout += text), isTTY: options.tty },
    stderr: { write: (text) => void (written.stderr += text) },
    stdin: input,
    env: options.env ?? {},
    homeDir: '/nowhere',
    cwd: '/nowhere',
  };
}

/** A promise the test settles when it chooses, while the spinner's timers run on the mock clock. */
function deferred<T>() {
  let resolve: (value: T) => void = () => undefined;
  let reject: (error: Error) => void = () => undefined;
  const promise = new Promise<T>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  return { promise, resolve, reject };
}

describe('spinner', () => {
  // The spinner's half-second delay and 80 ms frames run on node:test's mock timers: no real waiting, no flakes.
  beforeEach(() => mock.timers.enable({ apis: ['setTimeout', 'setInterval'] }));
  afterEach(() => mock.timers.reset());

  it('shows nothing when stdout is not a terminal, however long the call', async () => {
    const io = fakeIo({ tty: false });
    const work = deferred<string>();
    const spinning = withSpinner(io, 'Working', work.promise);
    mock.timers.tick(5_000);
    work.resolve('done');
    assert.equal(await spinning, 'done');
    assert.equal(io.written.stdout, '');
  });

  it('shows nothing on a terminal for a call under half a second', async () => {
    const io = fakeIo({ tty: true });
    const work = deferred<string>();
    const spinning = withSpinner(io, 'Working', work.promise);
    mock.timers.tick(499);
    work.resolve('done');
    assert.equal(await spinning, 'done');
    mock.timers.tick(1_000);
    assert.equal(io.written.stdout, '');
  });

  it('spins on a terminal after half a second, a frame every 80 ms, then wipes its line', async () => {
    const io = fakeIo({ tty: true });
    const work = deferred<string>();
    const spinning = withSpinner(io, 'Working', work.promise);
    mock.timers.tick(500);
    mock.timers.tick(3 * 80);
    work.resolve('done');
    assert.equal(await spinning, 'done');
    assert.equal(io.written.stdout, '\r⠋ Working\r⠙ Working\r⠹ Working\r\u001b[K');
  });

  it('wipes its line when the call fails too', async () => {
    const io = fakeIo({ tty: true });
    const work = deferred<string>();
    const spinning = withSpinner(io, 'Working', work.promise);
    mock.timers.tick(500);
    mock.timers.tick(200);
    work.reject(new Error('boom'));
    await assert.rejects(spinning, /boom/);
    assert.equal(io.written.stdout, '\r⠋ Working\r⠙ Working\r\u001b[K');
  });
});

describe('output colour', () => {
  it('colours OK on a terminal only, and never with NO_COLOR', () => {
    const cases: [boolean, Record<string, string>, string][] = [
      [true, {}, '\u001b[32mOK\u001b[0m\n'],
      [false, {}, 'OK\n'],
      [true, { NO_COLOR: '1' }, 'OK\n'],
      [true, { TERM: 'dumb' }, 'OK\n'],
    ];
    for (const [tty, env, expected] of cases) {
      const io = fakeIo({ tty, env });
      new Output(io).ok();
      assert.equal(io.written.stdout, expected, JSON.stringify({ tty, env }));
    }
  });
});

describe('questions on a terminal', () => {
  it('confirm asks on stderr and takes y or yes; anything else is no', async () => {
    for (const [answer, expected] of [
      ['y\n', true],
      ['YES\n', true],
      ['n\n', false],
      ['\n', false],
    ] as const) {
      const io = fakeIo({ tty: true });
      const asked = confirm(io, 'Really delete it?', false);
      io.input.write(answer);
      assert.equal(await asked, expected, answer);
      assert.equal(io.written.stderr, 'Really delete it? [y/N] ');
    }
  });

  it('-f needs no terminal; without -f and without a terminal it is refused', async () => {
    assert.equal(await confirm(fakeIo({ tty: false }), 'Really?', true), true);
    await assert.rejects(confirm(fakeIo({ tty: false }), 'Really?', false), {
      name: 'CliError',
      message: 'this needs a confirmation, and standard input is not a terminal',
      exitCode: 2,
    });
  });

  it('reads a secret in raw mode without echoing it, honouring backspace', async () => {
    const io = fakeIo({ tty: true });
    const secret = readSecret(io, 'Password> ');
    io.input.write('hunter3\u007f2\r');
    assert.equal(await secret, 'hunter2');
    assert.equal(io.written.stderr, 'Password> \n');
    assert.equal(io.written.stdout, '');
    assert.deepEqual(io.input.rawModes, [true, false]);
  });

  it('Ctrl-C while typing a secret aborts, and raw mode is switched off', async () => {
    const io = fakeIo({ tty: true });
    const secret = readSecret(io, 'Password> ');
    io.input.write('abc\u0003');
    await assert.rejects(secret, { message: 'interrupted' });
    assert.deepEqual(io.input.rawModes, [true, false]);
  });

  it('without a terminal, a secret is the first line of standard input, with no prompt', async () => {
    const io = fakeIo({ tty: false });
    const secret = readSecret(io, 'Password> ');
    io.input.end('from-a-file\nsecond line\n');
    assert.equal(await secret, 'from-a-file');
    assert.equal(io.written.stderr, '');
  });
});
