import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';

/**
 * Workflow code is replayed, so it must stay deterministic: no I/O, no clients, no environment.
 * Temporal's bundler rejects Node built-ins; this test also keeps out our own side-effecting
 * modules, by walking every value import reachable from workflows/index.ts.
 */
const root = path.resolve(__dirname, '../..');
const allowedPackages = [/^@temporalio\/workflow$/, /^@temporalio\/common(\/|$)/, /^zod$/];
const allowedLocal = [/^workflows\//, /^src\/mapping\//, /^src\/shared\//];

/** Value imports of a TypeScript file (`import type` and `type`-only specifier lists are erased by the compiler). */
function valueImports(source: string): string[] {
  const found: string[] = [];
  for (const match of source.matchAll(/^import\s+(type\s+)?([\s\S]*?)\s+from\s+'([^']+)';/gm)) {
    const [, typeOnly, clause, specifier] = match;
    const names = clause.replace(/[{}]/g, '').split(',').map((name) => name.trim()).filter(Boolean);
    if (!typeOnly && !names.every((name) => name.startsWith('type '))) found.push(specifier);
  }
  return found;
}

function reachableFromWorkflows(): { files: string[]; packages: Set<string> } {
  const files: string[] = [];
  const packages = new Set<string>();
  const queue = ['workflows/index.ts'];
  while (queue.length > 0) {
    const file = queue.shift()!;
    if (files.includes(file)) continue;
    files.push(file);
    const source = readFileSync(path.join(root, file), 'utf8');
    const exported = [...source.matchAll(/^export\s+\{[^}]*\}\s+from\s+'([^']+)';/gm)].map((m) => m[1]);
    for (const specifier of [...valueImports(source), ...exported]) {
      if (!specifier.startsWith('.')) {
        packages.add(specifier);
        continue;
      }
      const base = path.join(path.dirname(file), specifier);
      queue.push([`${base}.ts`, path.join(base, 'index.ts')].find((candidate) => existsSync(path.join(root, candidate)))!);
    }
  }
  return { files, packages };
}

describe('workflow code', () => {
  const { files, packages } = reachableFromWorkflows();

  it('reaches every workflow file', () => {
    expect(files).toEqual(expect.arrayContaining(['workflows/onboard-student.ts', 'workflows/sync-grades.ts', 'workflows/sync-attendance.ts']));
  });

  it('imports values only from workflow-safe modules', () => {
    expect(files.filter((file) => !allowedLocal.some((rule) => rule.test(file)))).toEqual([]);
    expect([...packages].filter((name) => !allowedPackages.some((rule) => rule.test(name)))).toEqual([]);
  });

  it('would notice a forbidden import', () => {
    expect(valueImports("import { createMoodleClient } from '../src/moodle/client';")).toEqual(['../src/moodle/client']);
    expect(valueImports("import type { MoodleClient } from '../src/moodle/client';")).toEqual([]);
    expect(valueImports("import { type A, type B } from './x';")).toEqual([]);
  });
});
