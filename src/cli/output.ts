import type { CliIo } from './io.js';

/**
 * How commands print: aligned tables and IBM's two-column rows for people, indented JSON for scripts, `OK` after a
 * change. Colour only on a terminal, and never with NO_COLOR.
 */
export class Output {
  private readonly colour: boolean;

  constructor(private readonly io: CliIo) {
    this.colour = io.stdout.isTTY && io.env['NO_COLOR'] === undefined && io.env['TERM'] !== 'dumb';
  }

  line(text = ''): void {
    this.io.stdout.write(`${text}\n`);
  }

  ok(): void {
    this.line(this.colour ? '\u001b[32mOK\u001b[0m' : 'OK');
  }

  json(value: unknown): void {
    this.line(JSON.stringify(value, null, 2));
  }

  /** Columns separated by at least three spaces; headers in bold on a terminal. An empty list prints `empty`; an empty cell `-`. */
  table(headers: string[], rows: (string | number | boolean | undefined)[][], empty = 'No entries found.'): void {
    if (rows.length === 0) {
      this.line(empty);
      return;
    }
    const cells = rows.map((row) => headers.map((_, index) => cell(row[index])));
    const widths = headers.map((header, index) =>
      Math.max(header.length, ...cells.map((row) => row[index]?.length ?? 0)),
    );
    const render = (row: string[]) =>
      row
        .map((value, index) => (index === row.length - 1 ? value : value.padEnd((widths[index] ?? 0) + 3)))
        .join('')
        .trimEnd();
    const head = render(headers);
    this.line(this.colour ? `\u001b[1m${head}\u001b[0m` : head);
    for (const row of cells) this.line(render(row));
  }

  /** IBM's detail rows: the label padded to `width` (14 for keys and service IDs), then the value. */
  rows(pairs: [string, string | number | boolean | undefined][], width = 14): void {
    const labelWidth = Math.max(width, ...pairs.map(([label]) => label.length + 1));
    for (const [label, value] of pairs)
      this.line(`${label.padEnd(labelWidth)}${value === undefined ? '' : String(value)}`.trimEnd());
  }
}

/** An empty cell prints as `-`, so that every row has as many words as the header for `awk`. */
function cell(value: string | number | boolean | undefined): string {
  return value === undefined || value === '' ? '-' : String(value);
}
