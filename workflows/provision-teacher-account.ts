import { ApplicationFailure, allHandlersFinished, condition, executeChild, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { TeacherConflict } from '../activities/moodle-roster';
import { NeedsOperator } from '../src/common/search-attributes';
import { conflictQuery, resolveConflictUpdate, type ConflictDecision, type IdentityConflict } from './onboard-student';
import { moodleRoster } from './provision-activities';
import type { ProvisionAllInput, ProvisionReport } from './provision-all';

export interface ProvisionTeacherAccountInput {
  conflict: TeacherConflict;
  timeoutMs: number;
  /** The provisioning to run for this instructor once an operator has linked an account. */
  provision: ProvisionAllInput;
}

export interface ProvisionTeacherAccountResult {
  instructor: string;
  decision: 'link' | 'skip';
  moodleUserId?: number;
  provisioned?: ProvisionReport;
}

export const teacherAccountFailureTypes = { conflictUnresolved: 'TeacherIdentityConflictUnresolved' } as const;

/**
 * An instructor whose Moodle account provisioning could not tell for sure (several accounts with
 * the idnumber, or the e-mail's account carrying another idnumber), parked as student onboarding
 * parks: `NeedsOperator = true`, the conflict on the same query and the decision by the same
 * update, so `/admin/conflicts` lists and resolves both (the conflict's `studentId` holds the
 * Instructor's name there). `link` makes that account the teacher and provisions the
 * instructor's courses; `skip` leaves the instructor without Moodle access; `create` is refused,
 * since a second account for one person is what the rules exist to prevent.
 */
export async function provisionTeacherAccount(input: ProvisionTeacherAccountInput): Promise<ProvisionTeacherAccountResult> {
  const { conflict } = input;
  let decision: ConflictDecision | undefined;
  const parked: IdentityConflict & { instructor: string } = {
    kind: conflict.kind,
    studentId: conflict.instructor,
    instructor: conflict.instructor,
    candidates: conflict.candidates,
    otherStudents: [],
    since: new Date(workflowInfo().startTime).toISOString(),
  };
  setHandler(conflictQuery, () => (decision ? null : parked));
  setHandler(
    resolveConflictUpdate,
    (chosen) => {
      decision = chosen;
      return chosen.action;
    },
    {
      validator: (chosen) => {
        if (decision) throw new Error(`a decision (${decision.action}) was already taken`);
        if (chosen.action === 'create') throw new Error('an instructor is never given a second account: link one of the candidates or skip');
        if (chosen.action !== 'link') return;
        const account = conflict.candidates.find((candidate) => candidate.id === chosen.moodleUserId);
        if (!account) throw new Error(`Moodle user ${chosen.moodleUserId} is not one of the candidates (${conflict.candidates.map((candidate) => candidate.id).join(', ')})`);
        if (account.idnumber !== '' && account.idnumber !== conflict.instructor) throw new Error(`Moodle user ${account.id} carries the idnumber ${account.idnumber}: clear it in Moodle first`);
      },
    },
  );

  upsertSearchAttributes([{ key: NeedsOperator, value: true }]);
  const arrived = await condition(() => decision !== undefined, input.timeoutMs);
  upsertSearchAttributes([{ key: NeedsOperator, value: false }]);
  await condition(allHandlersFinished);
  if (!arrived || !decision) {
    throw ApplicationFailure.create({
      type: teacherAccountFailureTypes.conflictUnresolved,
      message: `Identity conflict (${conflict.kind}) for Instructor ${conflict.instructor} was not resolved in time; fix the accounts in Moodle and provision again`,
      nonRetryable: true,
    });
  }
  if (decision.action !== 'link') return { instructor: conflict.instructor, decision: 'skip' };

  const userId = decision.moodleUserId;
  await moodleRoster.moodleLinkTeacherAccount({ instructor: conflict.instructor, userId, notThem: conflict.candidates.map((account) => account.id).filter((id) => id !== userId) });
  const provisioned = await executeChild('provisionAll', { args: [input.provision], workflowId: `${workflowInfo().workflowId}/provision` });
  return { instructor: conflict.instructor, decision: 'link', moodleUserId: userId, provisioned: provisioned as ProvisionReport };
}
