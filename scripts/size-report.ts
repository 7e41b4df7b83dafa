// The longest files and functions under a folder (default lambdas/), by lines: a quick check that modules and
// functions still fit on a screen. `npm run size-report [-- folder]`. Parses with TypeScript's own compiler API.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as ts from 'typescript';

interface Measured {
  readonly where: string;
  readonly lines: number;
}

function listTypeScript(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) return listTypeScript(path);
    return path.endsWith('.ts') && !path.endsWith('.d.ts') ? [path] : [];
  });
}

function measureFunctions(path: string, source: ts.SourceFile): Measured[] {
  const found: Measured[] = [];
  const lineOf = (position: number): number => source.getLineAndCharacterOfPosition(position).line;
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const name = node.name && ts.isIdentifier(node.name) ? node.name.text : '(anonymous)';
      const lines = lineOf(node.getEnd()) - lineOf(node.getStart(source)) + 1;
      found.push({ where: `${path}:${lineOf(node.getStart(source)) + 1} ${name}`, lines });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function main(folder: string, top: number): void {
  const files: Measured[] = [];
  const functions: Measured[] = [];
  for (const path of listTypeScript(folder)) {
    const text = readFileSync(path, 'utf8');
    const name = relative(process.cwd(), path);
    files.push({ where: name, lines: text.split('\n').length });
    functions.push(...measureFunctions(name, ts.createSourceFile(path, text, ts.ScriptTarget.ES2022, true)));
  }
  const print = (title: string, rows: Measured[]): void => {
    console.log(title);
    for (const row of [...rows].sort((a, b) => b.lines - a.lines).slice(0, top)) {
      console.log(`  ${String(row.lines).padStart(5)}  ${row.where}`);
    }
  };
  print(`Longest files in ${folder}/ (lines):`, files);
  print(`Longest functions in ${folder}/ (lines, named functions and arrow functions alike):`, functions);
}

main(process.argv[2] ?? 'lambdas', Number(process.env.TOP ?? 5));
