import type { Priority } from '@temporalio/common';

/*
 * Temporal's task priorities: a task queue's backlog is served lowest key first (1 to 5; a run
 * started without one gets 3), and a run's activities and children inherit its key
 * (docs.temporal.io, "Task Queue Priority and Fairness"). The server's new matcher honours it:
 * on the dev server this project installs (CLI 1.9.1, server 1.32) it does by default; a server
 * without it (`matching.useNewMatcher` off) ignores the key and serves the backlog in order.
 */

/**
 * A new student's onboarding, ahead of everything else on the queues. In a term-start burst each
 * admission starts about seven runs at once (onboarding, its profile run, the Program
 * Enrollment's and Education's four Course Enrollments'), and the first workflow task of every new
 * run waits in one backlog: on the 2-core bench, an onboarding's first task waited 21 s behind
 * the other runs' (docs/burst.md). The others mostly find the finished onboarding covered them.
 */
export const admissionPriority: Priority = { priorityKey: 2 };
