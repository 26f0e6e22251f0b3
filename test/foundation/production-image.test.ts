import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { processEnv } from '../../src/config/env';
import { searchAttributes } from '../../src/common/search-attributes';
import { importsOf, readSourceTree, type SourceFiles } from './import-graph';

/**
 * The production image holds only what the Dockerfile copies (no sandboxes/, test/ or bench/), so
 * the worker and gateway, and the operator commands, must not load anything from those folders.
 * The check walks the value imports reachable from each production entry point.
 */
const root = path.resolve(__dirname, '../..');
const productionCommands = ['worker', 'gateway', 'setup', 'schedules', 'sync'].map((name) => `src/commands/${name}.ts`);
// The worker bundles workflows/index.ts (require.resolve, not an import) when it starts.
const entries = [...productionCommands, 'workflows/index.ts'];

/** Local files and packages that running `entries` loads (type-only imports are erased). */
function reachable(files: SourceFiles, from: string[]): { files: Set<string>; packages: Set<string> } {
  const reached = new Set<string>();
  const packages = new Set<string>();
  const queue = [...from];
  while (queue.length > 0) {
    const file = queue.shift()!;
    if (reached.has(file)) continue;
    reached.add(file);
    for (const imp of importsOf(file, files.get(file) ?? '', files)) {
      if (imp.typeOnly) continue;
      if (imp.target !== undefined) queue.push(imp.target);
      else if (!imp.specifier.startsWith('node:') && !builtinModules.includes(imp.specifier)) {
        const parts = imp.specifier.split('/');
        packages.add(imp.specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]);
      }
    }
  }
  return { files: reached, packages };
}

/** The Dockerfile's stages: the build stage compiles and bundles, the last one is the image. */
function dockerStages(): { build: string; image: string } {
  const stages = readFileSync(path.join(root, 'Dockerfile'), 'utf8').split(/^FROM /m).slice(1);
  return { build: stages[0], image: stages[stages.length - 1] };
}

/** The source folders compiled into dist/ (tsconfig.build.json), which is all the image takes of the checkout. */
function copiedFolders(): string[] {
  const build = JSON.parse(readFileSync(path.join(root, 'tsconfig.build.json'), 'utf8')) as { include: string[] };
  return build.include;
}

const outsideImage = (reached: Set<string>, folders: string[]) => [...reached].filter((file) => !folders.some((folder) => file.startsWith(`${folder}/`)));

describe('the production image', () => {
  const files = readSourceTree(root, ['src', 'workflows', 'activities', 'sandboxes', 'test', 'bench']);
  const folders = copiedFolders();

  it('compiles the product and leaves the sandboxes, tests and benches out', () => {
    expect(folders).toEqual(expect.arrayContaining(['src', 'workflows', 'activities']));
    expect(folders.filter((folder) => ['sandboxes', 'test', 'bench', 'scripts'].includes(folder))).toEqual([]);
  });

  it('builds in one stage and ships only dist/ and the runtime dependencies in the other', () => {
    const { build, image } = dockerStages();
    // The dev command's sandboxes are compiled (tsc follows its import) and then removed.
    expect(build).toMatch(/npx tsc -p tsconfig\.build\.json/);
    expect(build).toMatch(/bundle-workflows\.ts dist/);
    expect(build).toMatch(/rm -rf dist\/sandboxes/);
    const copies = [...image.matchAll(/^COPY\s+(.+)$/gm)].map((match) => match[1].trim());
    expect(copies).toEqual(['package.json package-lock.json ./', '--from=build /app/dist ./dist']);
    expect(image).toMatch(/npm ci --omit=dev/);
    expect(image).not.toMatch(/--include=dev|tsx/);
    expect(image).toMatch(/ENV WORKFLOW_BUNDLE_DIR=\/app\/dist/);
    expect(image).toMatch(/ENTRYPOINT \["node", "dist\/src\/cli\.js"\]/);
  });

  it('holds every file the production commands load', () => {
    const { files: reached } = reachable(files, entries);
    expect(reached).toContain('src/commands/worker.ts');
    expect(reached).toContain('src/gateway/operator-app.ts');
    expect(reached).toContain('activities/index.ts');
    expect(outsideImage(reached, folders)).toEqual([]);
  });

  it('needs only runtime dependencies from package.json', () => {
    const { dependencies } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    const { packages } = reachable(files, entries);
    expect([...packages].filter((name) => !(name in dependencies))).toEqual([]);
  });

  it('reaches the dev command (and so the sandboxes) only through a dynamic import in the CLI', () => {
    const cli = files.get('src/cli.ts')!;
    expect(cli).toMatch(/await import\('\.\/commands\/dev'\)/);
    expect(cli).not.toMatch(/^import .*\.\/commands\/dev/m);
    expect([...reachable(files, ['src/commands/dev.ts']).files].some((file) => file.startsWith('sandboxes/'))).toBe(true);
  });

  it('reports a production command that imports a sandbox', () => {
    const broken = new Map(files);
    broken.set('src/erpnext/client.ts', `import { startErpnextSandbox } from '../../sandboxes/erpnext';\n${files.get('src/erpnext/client.ts')}`);
    const outside = outsideImage(reachable(broken, entries).files, folders);
    expect(outside).toEqual(expect.arrayContaining(['sandboxes/erpnext/index.ts']));
  });
});

describe('the deployment files', () => {
  it('.env.example documents exactly the variables the processes read', () => {
    const documented = [...readFileSync(path.join(root, '.env.example'), 'utf8').matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((match) => match[1]).sort();
    const read = [...new Set(Object.values(processEnv).flatMap((schema) => Object.keys(schema.shape)))].sort();
    expect(documented).toEqual(read);
  });

  it('docker compose creates the search attributes the code defines', () => {
    const compose = readFileSync(path.join(root, 'docker-compose.yml'), 'utf8');
    const listed = /for attribute in ([^;]+);/.exec(compose)![1].trim().split(/\s+/).sort();
    const typeName: Record<string, string> = { KEYWORD: 'Keyword', BOOL: 'Bool', KEYWORD_LIST: 'KeywordList' };
    expect(listed).toEqual(searchAttributes.map((key) => `${key.name}=${typeName[key.type]}`).sort());
  });
});
