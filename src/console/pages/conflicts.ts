import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { parkedConflicts, resolveConflict, type ParkedConflict } from '../../starters/identity-conflicts';
import type { IdentityConflict } from '../../../workflows/onboard-student';
import type { ConsoleContext } from '../context';
import { actionButton } from '../forms';
import { html } from '../html';
import { page } from '../layout';
import { runCell, studentCell, studentHref, when } from '../run-cells';

const kindText: Record<IdentityConflict['kind'], string> = {
  'email-taken': "A Moodle account has this person's email but another (or several) idnumbers. Link only after clearing that idnumber in Moodle, if it is really their account.",
  'duplicate-idnumber': "Several Moodle accounts carry this person's id. Link the right one (suspend or clear the others in Moodle), or skip.",
  'shared-email': 'Other ERPNext Students have the same email. Give each a deliverable address of their own, or decide here.',
  'account-claimed': 'The account chosen to link was given another idnumber meanwhile. Decide again on a fresh look at the accounts.',
};

/** The form's fields as the update's decision; anything else is refused before Temporal sees it. */
const decisionForm = z.discriminatedUnion('action', [
  z.object({ action: z.literal('link'), moodleUserId: z.coerce.number().int().positive() }),
  z.object({ action: z.literal('create') }),
  z.object({ action: z.literal('skip') }),
]);

/**
 * `/console/conflicts`: every parked onboarding with its candidate accounts and one form per
 * decision. The forms post to the console, which sends the decision through the same function as
 * `POST /admin/conflicts/<id>`; the workflow's update validator has the last word.
 */
export const conflictPages: FastifyPluginAsync<ConsoleContext> = async (app, context) => {
  function conflictSection(request: Parameters<typeof actionButton>[0], parked: ParkedConflict) {
    const { workflowId, runId, conflict } = parked;
    const action = `/console/conflicts/${encodeURIComponent(workflowId)}`;
    // Teacher accounts park the same way (workflows/provision-teacher-account.ts), the Instructor's name in `studentId`; one is never given a second account.
    const teacher = !workflowId.startsWith('onboard:');
    const subject = teacher ? html`Instructor ${conflict.studentId}` : studentCell(conflict.studentId);
    const candidates = conflict.candidates.map(
      (c) => html`<tr><td class="num">${c.id}</td><td>${c.username}</td><td>${c.idnumber || html`<em>none</em>`}</td><td>${c.email}</td><td>${c.suspended ? 'yes' : 'no'}</td>
<td>${actionButton(request, action, `Link to account ${c.id}`, { action: 'link', moodleUserId: c.id })}</td></tr>`,
    );
    return html`<section class="conflict" data-workflow-id="${workflowId}">
<h2>${subject}: ${conflict.kind}</h2>
<p>${kindText[conflict.kind]}</p>
<p>Run ${runCell(context, workflowId, runId)}, parked since ${when(conflict.since)}.${conflict.otherStudents.length ? html` Other Students: ${conflict.otherStudents.map((s) => html`${studentCell(s)} `)}` : ''}</p>
${candidates.length ? html`<table><thead><tr><th>Moodle id</th><th>Username</th><th>idnumber</th><th>Email</th><th>Suspended</th><th>Decision</th></tr></thead><tbody>${candidates}</tbody></table>` : ''}
<p>${teacher || conflict.kind === 'duplicate-idnumber' ? '' : actionButton(request, action, 'Create a new account', { action: 'create' })} ${actionButton(request, action, 'Skip (no Moodle account)', { action: 'skip' })}</p>
</section>`;
  }

  app.get('/console/conflicts', async (request, reply) => {
    const conflicts = await parkedConflicts(context.temporal);
    const body = conflicts.length ? html`${conflicts.map((c) => conflictSection(request, c))}` : html`<p>No onboarding waits for a decision.</p>`;
    return reply.type('text/html; charset=utf-8').send(page('Parked conflicts', body, { current: '/console/conflicts' }));
  });

  app.post('/console/conflicts/:workflowId', async (request, reply) => {
    const { workflowId } = request.params as { workflowId: string };
    const decision = decisionForm.safeParse(request.body);
    if (!decision.success) return reply.code(400).type('text/html; charset=utf-8').send(page('Not a decision', html`<p class="error">Choose link (with an account), create or skip.</p>`));
    const resolved = await resolveConflict(context.temporal, workflowId, decision.data);
    const student = workflowId.startsWith('onboard:') ? workflowId.slice('onboard:'.length) : undefined;
    const back = html`<p><a href="/console/conflicts">Back to the conflicts</a>${student ? html` · <a href="${studentHref(student)}">${student}</a>` : ''} · ${runCell(context, workflowId)}</p>`;
    if (resolved.outcome === 'accepted') {
      return reply.type('text/html; charset=utf-8').send(page('Decision sent', html`<p class="notice" role="status">Accepted: ${resolved.accepted}. The onboarding continues; its run shows the outcome.</p>${back}`));
    }
    const problem = resolved.outcome === 'refused' ? `The workflow refused the decision: ${resolved.reason}` : `There is no workflow ${workflowId}.`;
    return reply
      .code(resolved.outcome === 'refused' ? 409 : 404)
      .type('text/html; charset=utf-8')
      .send(page('Decision refused', html`<p class="error" role="alert">${problem}</p>${back}`));
  });
};
