// tree-sitter-powershell (the grammar's own WebAssembly build, run by web-tree-sitter): a real PowerShell parser
// for the documents' Windows steps, with no native addon to compile and no install script to depend on.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Language, type Node, Parser } from 'web-tree-sitter';

export type { Node } from 'web-tree-sitter';

let parser: Promise<Parser> | undefined;

async function createParser(): Promise<Parser> {
  await Parser.init();
  const grammarPackage = dirname(require.resolve('tree-sitter-powershell/package.json'));
  // Bytes, not a path: given a path, web-tree-sitter imports fs dynamically, which Jest's CommonJS runtime refuses.
  const language = await Language.load(readFileSync(join(grammarPackage, 'tree-sitter-powershell.wasm')));
  const created = new Parser();
  created.setLanguage(language);
  return created;
}

/** The syntax tree of a PowerShell script; throws if the parser gives none. */
export async function parsePowerShell(source: string): Promise<Node> {
  parser ??= createParser();
  const tree = (await parser).parse(source);
  if (!tree) throw new Error('tree-sitter returned no tree');
  return tree.rootNode;
}

export interface SyntaxProblem {
  readonly kind: 'ERROR' | 'MISSING';
  readonly line: number;
  readonly text: string;
}

/** Every ERROR node and every MISSING node the parser had to invent, with its 1-based line. */
export function findSyntaxProblems(root: Node): SyntaxProblem[] {
  const problems: SyntaxProblem[] = [];
  const visit = (node: Node): void => {
    if (node.isError || node.isMissing) {
      problems.push({
        kind: node.isMissing ? 'MISSING' : 'ERROR',
        line: node.startPosition.row + 1,
        text: node.isMissing ? node.type : (node.text.split('\n')[0]?.slice(0, 120) ?? ''),
      });
    }
    // A subtree without errors has nothing to report.
    if (!node.hasError && !node.isMissing) return;
    for (const child of node.children) if (child) visit(child);
  };
  visit(root);
  return problems;
}

/** Nodes of the given types in document order, the root included. */
export function findAll(root: Node, types: readonly string[]): Node[] {
  return root.descendantsOfType([...types]);
}

/** Whether `ancestor` contains `node` (or is it). */
export function contains(ancestor: Node, node: Node): boolean {
  return node.startIndex >= ancestor.startIndex && node.endIndex <= ancestor.endIndex;
}
