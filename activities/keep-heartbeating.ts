import { Context } from '@temporalio/activity';
import { wrapActivities, type AsyncFunctions } from './wrap-activities';

/** How often a running activity says it is alive; the SDK sends at most one per 0.8 × heartbeatTimeout, so this only has to be well inside it. */
const beatEveryMs = 1_000;

/**
 * Wraps every activity of a factory so that, while it runs, it heartbeats on a timer as well as
 * after each answered request (activity-call.ts). Its proxy's heartbeatTimeout then notices a
 * worker that died (SIGKILL, a lost machine) within seconds, where the start-to-close alone held
 * the call for minutes before Temporal tried it again. A request that is slow but answering is
 * no reason to give up on it: the start-to-close still bounds each attempt.
 */
export function keepHeartbeating<T extends AsyncFunctions>(activities: T): T {
  return wrapActivities(activities, async (call) => {
    const context = Context.current();
    context.heartbeat();
    const timer = setInterval(() => context.heartbeat(), beatEveryMs);
    try {
      return await call();
    } finally {
      clearInterval(timer);
    }
  });
}
