import path from 'node:path';
import { folderCycles, folderRuleViolations, importsOf, readSourceTree, workflowBundleContents, type SourceFiles } from './import-graph';

/**
 * Workflow code is replayed, so it must stay deterministic: no I/O, no clients, no environment.
 * Temporal's bundler rejects Node built-ins; this test enforces the folder rule that keeps out our
 * own side-effecting modules too (workflows/ imports values only from workflows/, src/common/,
 * src/mapping/ and the workflow SDK; src/common/ imports nothing of ours outside itself), and that
 * imports between folders run one way.
 */
const root = path.resolve(__dirname, '../..');

/** The real tree with some files replaced or added: a breach of the rule, made in memory. */
function withFiles(files: SourceFiles, changes: Record<string, string>): SourceFiles {
  return new Map([...files, ...Object.entries(changes)]);
}

describe('the folder rule', () => {
  const files = readSourceTree(root, ['src', 'workflows', 'activities']);

  it('holds for the source tree', () => {
    expect(folderRuleViolations(files)).toEqual([]);
  });

  it('puts only workflow-safe code into the workflow bundle', () => {
    const bundle = workflowBundleContents(files);
    expect(bundle.files).toEqual(expect.arrayContaining(['workflows/onboard-student.ts', 'workflows/sync-grades.ts', 'workflows/sync-attendance.ts', 'workflows/course-sync/driver.ts']));
    expect(bundle.files.filter((file) => !/^(workflows|src\/common|src\/mapping)\//.test(file))).toEqual([]);
    expect(bundle.packages.filter((name) => !['@temporalio/workflow', '@temporalio/common', 'zod'].includes(name))).toEqual([]);
  });

  it('has imports between folders run one way', () => {
    expect(folderCycles(files)).toEqual([]);
  });

  it('reports a workflow importing a client, config or a starter', () => {
    const broken = withFiles(files, {
      'workflows/enroll-program.ts': `${files.get('workflows/enroll-program.ts')}\nimport { createMoodleClient } from '../src/moodle/client';\n`,
      'workflows/sync-profile.ts': `import { loadMapping } from '../src/config/mapping-file';\n${files.get('workflows/sync-profile.ts')}`,
    });
    expect(folderRuleViolations(broken)).toEqual([
      expect.stringMatching(/^workflows\/enroll-program\.ts imports \.\.\/src\/moodle\/client: /),
      expect.stringMatching(/^workflows\/sync-profile\.ts imports \.\.\/src\/config\/mapping-file: /),
    ]);
    expect(workflowBundleContents(broken).files).toEqual(expect.arrayContaining(['src/moodle/client.ts', 'src/config/mapping-file.ts']));
  });

  it('reports src/common importing anything of ours outside it, even a type', () => {
    const broken = withFiles(files, { 'src/common/workflow-ids.ts': `import type { Mapping } from '../config/mapping-file';\n${files.get('src/common/workflow-ids.ts')}` });
    expect(folderRuleViolations(broken)).toEqual([expect.stringMatching(/^src\/common\/workflow-ids\.ts imports \.\.\/config\/mapping-file: /)]);
  });

  it('reports a folder that imports a folder importing it back, type imports included', () => {
    // src/starters imports workflow types; a workflow importing a starter's type closes the loop.
    const broken = withFiles(files, { 'workflows/enroll-program.ts': `import type { LifecycleEvent } from '../src/starters/lifecycle-events';\n${files.get('workflows/enroll-program.ts')}` });
    expect(folderRuleViolations(broken)).toEqual([]);
    const cycles = folderCycles(broken);
    expect(cycles).toHaveLength(1);
    expect(cycles[0]).toEqual(expect.arrayContaining(['workflows/enroll-program.ts → ../src/starters/lifecycle-events']));
  });

  it('tells value imports from type imports', () => {
    const kinds = (source: string) => importsOf('workflows/x.ts', source, new Map()).map((imp) => [imp.specifier, imp.typeOnly]);
    expect(kinds("import { createMoodleClient } from '../src/moodle/client';")).toEqual([['../src/moodle/client', false]]);
    expect(kinds("import type { MoodleClient } from '../src/moodle/client';")).toEqual([['../src/moodle/client', true]]);
    expect(kinds("import { type A, type B } from './x';")).toEqual([['./x', true]]);
    expect(kinds("import { a, type B } from './x';")).toEqual([['./x', false]]);
    expect(kinds("import './side-effect';")).toEqual([['./side-effect', false]]);
    expect(kinds("export { a } from './a';\nexport type { B } from './b';")).toEqual([['./a', false], ['./b', true]]);
    expect(kinds("const m = await import('./lazy'); const r = require('./req');")).toEqual([['./lazy', false], ['./req', false]]);
  });
});
