import { parseArgs } from 'node:util';

const usage = `Usage: campus-bridge <command> [options]

  dev [--fresh]                         the whole local stack (npm start); --fresh forgets .data first
  worker                                the Temporal workers (production)
  gateway                               the HTTP gateway (production)
  setup [--gateway-url URL] [--rotate-secret]
                                        ERPNext custom field and signed Webhook documents
  schedules apply | trigger <grades|attendance>
                                        the nightly grade and attendance Schedules
  sync <grades|attendance|completions> [--course C] [--student S] [--wait [--json]]
                                        start a sync now
  provision [--dry-run] [--term T]...   Moodle categories, courses, groups and teachers from ERPNext
  retry <workflow-id> | --failed [--since ISO-TIME] [--kind KIND] [--json]
                                        re-run failed lifecycle runs with their own input
  doctor [--gateway-url URL] [--json]   the pre-integration checklist and data audit (exit 1 on a blocker)
  reconcile [--heal] [--json] | --go-ahead <workflow-id> [--refuse] | --schedule
                                        compare the systems; heal through the normal workflows
  backfill [--dry-run] [--wait] [--rerun ID] [--max-changes N] [--max-share S] [--csv FILE]
  backfill status|pause|resume|approve|refuse|cancel <workflow-id> [--json]
                                        sync every existing student (dry run and breaker first)
  status [--since ISO-TIME] [--json]    recent runs by process, waiting runs, Schedules
  trail <Student> [--json]              every run that touched one Student
  report student|course|program <name> [--term T] [--json|--csv]
                                        the 360° student view, a course, a program (reads only)
`;

class UsageError extends Error {}

/** Parses arguments and hands over to `src/commands/<name>.ts`; nothing else lives here. */
async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'dev': {
      const { values } = parseArgs({ args: rest, options: { fresh: { type: 'boolean' } } });
      return (await import('./commands/dev')).devCommand({ fresh: values.fresh });
    }
    case 'worker':
      return (await import('./commands/worker')).workerCommand();
    case 'gateway':
      return (await import('./commands/gateway')).gatewayCommand();
    case 'setup': {
      const { values } = parseArgs({ args: rest, options: { 'gateway-url': { type: 'string' }, 'rotate-secret': { type: 'boolean' } } });
      await (await import('./commands/setup')).setupCommand({ gatewayUrl: values['gateway-url'], rotateSecret: values['rotate-secret'] });
      return;
    }
    case 'schedules': {
      const { positionals } = parseArgs({ args: rest, allowPositionals: true });
      const [action, which] = positionals;
      if (action !== 'apply' && action !== 'trigger') throw new UsageError('schedules needs `apply` or `trigger <grades|attendance>`');
      if (action === 'trigger' && which !== 'grades' && which !== 'attendance') throw new UsageError('schedules trigger needs `grades` or `attendance`');
      return (await import('./commands/schedules')).schedulesCommand({ action, which: which as 'grades' | 'attendance' | undefined });
    }
    case 'sync': {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: { course: { type: 'string' }, student: { type: 'string' }, wait: { type: 'boolean' }, json: { type: 'boolean' } },
      });
      const [what] = positionals;
      if (what !== 'grades' && what !== 'attendance' && what !== 'completions') throw new UsageError('sync needs `grades`, `attendance` or `completions`');
      return (await import('./commands/sync')).syncCommand({ what, ...values });
    }
    case 'provision': {
      const { values } = parseArgs({ args: rest, options: { 'dry-run': { type: 'boolean' }, term: { type: 'string', multiple: true } } });
      return (await import('./commands/provision')).provisionCommand({ dryRun: values['dry-run'], terms: values.term });
    }
    case 'retry': {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: { failed: { type: 'boolean' }, since: { type: 'string' }, kind: { type: 'string' }, json: { type: 'boolean' } },
      });
      const retry = await import('./commands/retry');
      try {
        await retry.retryCommand({ workflowId: positionals[0], ...values });
      } catch (err) {
        if (err instanceof retry.RetryArgumentError) throw new UsageError(err.message);
        throw err;
      }
      return;
    }
    case 'doctor': {
      const { values } = parseArgs({ args: rest, options: { 'gateway-url': { type: 'string' }, json: { type: 'boolean' } } });
      const report = await (await import('./commands/doctor')).doctorCommand({ gatewayUrl: values['gateway-url'], json: values.json });
      if (report.blockers > 0) process.exitCode = 1;
      return;
    }
    case 'reconcile': {
      const { values } = parseArgs({ args: rest, options: { heal: { type: 'boolean' }, 'go-ahead': { type: 'string' }, refuse: { type: 'boolean' }, schedule: { type: 'boolean' }, json: { type: 'boolean' } } });
      await (await import('./commands/reconcile')).reconcileCommand({ heal: values.heal, goAhead: values['go-ahead'], refuse: values.refuse, schedule: values.schedule, json: values.json });
      return;
    }
    case 'backfill': {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: { 'dry-run': { type: 'boolean' }, wait: { type: 'boolean' }, rerun: { type: 'string' }, 'max-changes': { type: 'string' }, 'max-share': { type: 'string' }, csv: { type: 'string' }, json: { type: 'boolean' } },
      });
      const [action = 'start', workflowId] = positionals;
      const actions = ['start', 'status', 'pause', 'resume', 'approve', 'refuse', 'cancel'] as const;
      if (!(actions as readonly string[]).includes(action)) throw new UsageError(`backfill action must be one of ${actions.join(', ')}`);
      if (action !== 'start' && !workflowId) throw new UsageError(`backfill ${action} needs a workflow id`);
      const number = (flag: string, value: string | undefined) => {
        if (value === undefined) return undefined;
        const parsed = Number(value);
        if (!Number.isFinite(parsed) || parsed < 0) throw new UsageError(`--${flag} needs a number ≥ 0`);
        return parsed;
      };
      await (await import('./commands/backfill')).backfillCommand({
        action: action as (typeof actions)[number],
        workflowId,
        dryRun: values['dry-run'],
        wait: values.wait,
        rerun: values.rerun,
        maxChanges: number('max-changes', values['max-changes']),
        maxShare: number('max-share', values['max-share']),
        csv: values.csv,
        json: values.json,
      });
      return;
    }
    case 'status': {
      const { values } = parseArgs({ args: rest, options: { since: { type: 'string' }, json: { type: 'boolean' } } });
      await (await import('./commands/status')).statusCommand(values);
      return;
    }
    case 'trail': {
      const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { json: { type: 'boolean' } } });
      if (positionals.length !== 1) throw new UsageError('trail needs one Student name, e.g. trail EDU-STU-2026-00012');
      await (await import('./commands/trail')).trailCommand({ student: positionals[0], json: values.json });
      return;
    }
    case 'report': {
      const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { term: { type: 'string' }, json: { type: 'boolean' }, csv: { type: 'boolean' } } });
      const [kind, name] = positionals;
      if ((kind !== 'student' && kind !== 'course' && kind !== 'program') || !name || positionals.length !== 2) throw new UsageError('report needs student|course|program and one name, e.g. report program "BSc Computer Science"');
      await (await import('./commands/report')).reportCommand({ kind, name, ...values });
      return;
    }
    case undefined:
    case 'help':
    case '--help':
      process.stdout.write(usage);
      return;
    default:
      throw new UsageError(`unknown command: ${command}`);
  }
}

main(process.argv.slice(2)).then(
  () => undefined,
  (err: unknown) => {
    if (err instanceof UsageError) {
      process.stderr.write(`campus-bridge: ${err.message}\n\n${usage}`);
      process.exit(2);
    }
    // Our errors are written for operators (ConfigError lists each variable; PortInUseError names the port).
    process.stderr.write(`campus-bridge: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
