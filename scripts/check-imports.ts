/**
 * `npm run lint`'s import rules, which ESLint's own rules cannot see (they look at one file at a time):
 *
 * 1. No import cycles (type-only imports included): a file never imports, directly or through others, a file that
 *    imports it. Helpers that several files share live beside what they describe (docs/STYLE.md, habit 16).
 * 2. Product code never imports test code: nothing outside a `testing/` folder, a `*.test.ts` file, `test/` or
 *    `bench/` imports a module inside a `testing/` folder (the build leaves those folders out).
 *
 * Imports are read with TypeScript's own parser, so `import type`, `export … from` and `import()` all count. Exits 1
 * with every violation listed.
 */
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const ROOTS = ['src', 'web/src', 'test', 'bench', 'scripts'];
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

function sourceFiles(dir: string): string[] {
  const absolute = path.join(root, dir);
  if (!fs.existsSync(absolute)) return [];
  return fs
    .readdirSync(absolute, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.(ts|tsx)$/.test(entry.name) && !entry.name.endsWith('.d.ts'))
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)));
}

/** The project files a file imports (relative specifiers only; packages are not ours to check). */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(path.join(root, file), 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false);
  const specifiers: string[] = [];
  const visit = (node: ts.Node): void => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      specifiers.push(node.moduleSpecifier.text);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] !== undefined &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      specifiers.push(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return specifiers.filter((s) => s.startsWith('.')).flatMap((s) => resolve(file, s));
}

function resolve(from: string, specifier: string): string[] {
  const base = path.normalize(path.join(path.dirname(from), specifier));
  const stem = base.replace(/\.(js|jsx|ts|tsx)$/, '');
  for (const candidate of [`${stem}.ts`, `${stem}.tsx`, path.join(stem, 'index.ts')]) {
    if (fs.existsSync(path.join(root, candidate))) return [candidate];
  }
  return [];
}

function isTestCode(file: string): boolean {
  return (
    file.endsWith('.test.ts') ||
    file.split(path.sep).includes('testing') ||
    file.startsWith(`test${path.sep}`) ||
    file.startsWith(`bench${path.sep}`) ||
    file.startsWith(`scripts${path.sep}`)
  );
}

/** Tarjan's strongly connected components: every group of files that import each other in a circle. */
function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const connect = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter);
    counter++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v) as number, index.get(w) as number));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop() as string;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) connect(v);
  return found;
}

/** One circle through a component, as `a → b → … → a`, so the message shows where to cut. */
function circleThrough(component: readonly string[], graph: ReadonlyMap<string, readonly string[]>): string {
  const members = new Set(component);
  const start = component[0] as string;
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift() as string;
    for (const w of graph.get(v) ?? []) {
      if (!members.has(w)) continue;
      if (w === start) {
        const circle = [v];
        for (let at = v; at !== start; at = previous.get(at) as string) circle.unshift(previous.get(at) as string);
        return [...circle, start].join(' → ');
      }
      if (!previous.has(w)) {
        previous.set(w, v);
        queue.push(w);
      }
    }
  }
  return component.join(', ');
}

const files = ROOTS.flatMap(sourceFiles);
const graph = new Map(files.map((file) => [file, importsOf(file)] as const));
const problems: string[] = [];
for (const component of cycles(graph)) {
  problems.push(`import cycle (${component.length} files): ${circleThrough(component, graph)}`);
}
for (const [file, imports] of graph) {
  if (isTestCode(file)) continue;
  for (const target of imports) {
    if (target.split(path.sep).includes('testing')) {
      problems.push(`product code imports test code: ${file} → ${target}`);
    }
  }
}
if (problems.length > 0) {
  process.stderr.write(`${problems.join('\n')}\n`);
  process.exit(1);
}
process.stdout.write(`imports: ${files.length} files, no cycles, no test code in the product\n`);
