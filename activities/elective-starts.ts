import { Context } from '@temporalio/activity';
import type { ElectivesPolicy } from '../src/mapping/electives';
import { startElectiveWorkflow } from '../src/starters/elective-events';

/**
 * The poll's starts go through the same starter as the webhook, with the worker's own Temporal
 * client, so both paths land on the same workflow id with the same policies. On the workflows
 * queue: Temporal calls, under no system's rate limit.
 */
export function createElectiveStartActivities() {
  return {
    async temporalStartElectives(input: { enrolments: { moodleUserId: number; moodleCourseId: number }[]; policy: ElectivesPolicy }): Promise<{ running: number; alreadyCompleted: number }> {
      const { client } = Context.current();
      // A running run is joined, so it counts as running; a completed one is not repeated.
      let alreadyCompleted = 0;
      for (const enrolment of input.enrolments) {
        const outcome = await startElectiveWorkflow(client, { kind: 'enrolled', trigger: 'poll', ...enrolment }, input.policy);
        if (outcome.duplicate) alreadyCompleted += 1;
        Context.current().heartbeat();
      }
      return { running: input.enrolments.length - alreadyCompleted, alreadyCompleted };
    },
  };
}

export type ElectiveStartActivities = ReturnType<typeof createElectiveStartActivities>;
