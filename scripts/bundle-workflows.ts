import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { workflowBundleFiles } from '../src/temporal/worker';

/**
 * `npm run bundle -- <folder>` (default dist/): the workflow code bundled once, at image build, so
 * a production worker starts on it (WORKFLOW_BUNDLE_DIR) instead of running webpack at every start.
 * Two bundles, since the failure converter is compiled in: the plain one, and one with the
 * sealed-failure converter (src/temporal/sealed-failures.ts) for PAYLOAD_ENCRYPTION_KEYS.
 */
export async function bundleWorkflows(outDir: string): Promise<string[]> {
  const workflowsPath = require.resolve('../workflows');
  const logger = new DefaultLogger('WARN');
  const bundles = [
    { file: workflowBundleFiles.plain, failureConverterPath: undefined },
    { file: workflowBundleFiles.sealedFailures, failureConverterPath: require.resolve('../src/temporal/sealed-failures') },
  ];
  await mkdir(outDir, { recursive: true });
  const written: string[] = [];
  for (const bundle of bundles) {
    const { code } = await bundleWorkflowCode({ workflowsPath, failureConverterPath: bundle.failureConverterPath, logger });
    const file = path.join(outDir, bundle.file);
    await writeFile(file, code);
    written.push(file);
  }
  return written;
}

if (require.main === module) {
  const outDir = path.resolve(process.argv[2] ?? 'dist');
  bundleWorkflows(outDir).then(
    (files) => console.log(`workflow bundles written: ${files.join(', ')}`),
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
