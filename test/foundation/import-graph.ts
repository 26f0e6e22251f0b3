import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/**
 * The folder rule of the source tree, as a pure checker over a set of files (repository path →
 * source), so the test can run it over the real tree and over a synthetic tree that breaks it.
 *
 * Folders are `workflows`, `activities`, each `src/<dir>` and `src` itself (its root files).
 */

export type SourceFiles = ReadonlyMap<string, string>;

/** The TypeScript files (no declarations) under `dirs` of the repository at `root`, by repository path. */
export function readSourceTree(root: string, dirs: string[]): SourceFiles {
  const files = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const rel = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(rel);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) files.set(rel, readFileSync(path.join(root, rel), 'utf8'));
    }
  };
  for (const dir of dirs) walk(dir);
  return files;
}

export interface Import {
  /** Repository path of the importing file. */
  from: string;
  specifier: string;
  /** The imported file, for a relative specifier; undefined for a package. */
  target?: string;
  /** `import type`, or every named binding `type`: the compiler erases it. */
  typeOnly: boolean;
}

/** Every import of a file: import/export-from declarations, `import()` and `require()`, found with the TypeScript parser. */
export function importsOf(file: string, source: string, files: SourceFiles): Import[] {
  const found: Import[] = [];
  const add = (specifier: string, typeOnly: boolean) => found.push({ from: file, specifier, target: resolveLocal(file, specifier, files), typeOnly });
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      add(node.moduleSpecifier.text, isTypeOnlyImport(node.importClause));
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const typeOnly = node.isTypeOnly || (node.exportClause !== undefined && ts.isNamedExports(node.exportClause) && node.exportClause.elements.every((e) => e.isTypeOnly));
      add(node.moduleSpecifier.text, typeOnly);
    } else if (ts.isCallExpression(node) && node.arguments.length === 1 && ts.isStringLiteral(node.arguments[0])) {
      const callee = node.expression;
      if (callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === 'require')) add(node.arguments[0].text, false);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      add(node.argument.literal.text, true);
    }
    ts.forEachChild(node, visit);
  };
  visit(ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true));
  return found;
}

function isTypeOnlyImport(clause: ts.ImportClause | undefined): boolean {
  if (clause === undefined) return false; // `import './x'` runs the module
  if (clause.isTypeOnly) return true;
  if (clause.name !== undefined) return false;
  const bindings = clause.namedBindings;
  return bindings !== undefined && ts.isNamedImports(bindings) && bindings.elements.length > 0 && bindings.elements.every((e) => e.isTypeOnly);
}

function resolveLocal(from: string, specifier: string, files: SourceFiles): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const base = path.posix.join(path.posix.dirname(from), specifier);
  return [base, `${base}.ts`, `${base}/index.ts`].find((candidate) => files.has(candidate)) ?? `${base} (missing)`;
}

/** `workflows/x.ts` → `workflows`; `src/temporal/x.ts` → `src/temporal`; `src/cli.ts` → `src`. */
export function folderOf(file: string): string {
  const parts = file.split('/');
  if (parts[0] !== 'src') return parts[0];
  return parts.length > 2 ? `src/${parts[1]}` : 'src';
}

/** Package name of a bare specifier (`@temporalio/common/lib/x` → `@temporalio/common`). */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

export function allImports(files: SourceFiles): Import[] {
  return [...files].flatMap(([file, source]) => importsOf(file, source, files));
}

/** What each guarded folder may import. Type-only imports are erased, so only `common` restricts them too. */
const workflowValueFolders = ['workflows', 'src/common', 'src/mapping'];
const workflowValuePackages = ['@temporalio/workflow', '@temporalio/common'];
const sharedPackages = ['@temporalio/common'];

/**
 * Breaches of the folder rule, one line each:
 * - `workflows/` imports values only from `workflows/`, `src/common/`, `src/mapping/`,
 *   `@temporalio/workflow` and `@temporalio/common` (types from anywhere);
 * - `src/common/` imports nothing (not even types) but `src/common/` and `@temporalio/common`.
 */
export function folderRuleViolations(files: SourceFiles): string[] {
  const violations: string[] = [];
  for (const imp of allImports(files)) {
    const from = folderOf(imp.from);
    const to = imp.target === undefined ? undefined : folderOf(imp.target);
    if (from === 'workflows' && !imp.typeOnly) {
      const allowed = to === undefined ? workflowValuePackages.includes(packageOf(imp.specifier)) : workflowValueFolders.includes(to);
      if (!allowed) violations.push(`${imp.from} imports ${imp.specifier}: workflows/ may import values only from ${[...workflowValueFolders, ...workflowValuePackages].join(', ')}`);
    }
    if (from === 'src/common') {
      const allowed = to === undefined ? sharedPackages.includes(packageOf(imp.specifier)) : to === 'src/common';
      if (!allowed) violations.push(`${imp.from} imports ${imp.specifier}: src/common/ may import only src/common/ and ${sharedPackages.join(', ')}`);
    }
  }
  return violations;
}

/**
 * Files a workflow bundle contains (value imports reachable from `entry`), and the packages they
 * pull in: the replayed code, which must be deterministic.
 */
export function workflowBundleContents(files: SourceFiles, entry = 'workflows/index.ts'): { files: string[]; packages: string[] } {
  const byFile = new Map<string, Import[]>();
  for (const imp of allImports(files)) byFile.set(imp.from, [...(byFile.get(imp.from) ?? []), imp]);
  const reached = new Set<string>();
  const packages = new Set<string>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.shift()!;
    if (reached.has(file)) continue;
    reached.add(file);
    for (const imp of byFile.get(file) ?? []) {
      if (imp.typeOnly) continue;
      if (imp.target === undefined) packages.add(packageOf(imp.specifier));
      else queue.push(imp.target);
    }
  }
  return { files: [...reached].sort(), packages: [...packages].sort() };
}

/** Folder → folders it imports (values and types alike), each edge with one import that makes it. */
export function folderGraph(files: SourceFiles): Map<string, Map<string, string>> {
  const graph = new Map<string, Map<string, string>>();
  for (const imp of allImports(files)) {
    if (imp.target === undefined) continue;
    const from = folderOf(imp.from);
    const to = folderOf(imp.target);
    if (from === to) continue;
    const edges = graph.get(from) ?? new Map<string, string>();
    if (!edges.has(to)) edges.set(to, `${imp.from} → ${imp.specifier}`);
    graph.set(from, edges);
  }
  return graph;
}

/** Every cycle between folders, as the imports that close it; empty when imports run one way. */
export function folderCycles(files: SourceFiles): string[][] {
  const graph = folderGraph(files);
  const cycles: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (folder: string): void => {
    state.set(folder, 'open');
    stack.push(folder);
    for (const next of (graph.get(folder) ?? new Map()).keys()) {
      if (state.get(next) === 'open') {
        const loop = [...stack.slice(stack.indexOf(next)), next];
        cycles.push(loop.slice(0, -1).map((f, i) => graph.get(f)!.get(loop[i + 1])!));
      } else if (!state.has(next)) {
        visit(next);
      }
    }
    stack.pop();
    state.set(folder, 'done');
  };
  for (const folder of [...graph.keys()].sort()) if (!state.has(folder)) visit(folder);
  return cycles;
}
