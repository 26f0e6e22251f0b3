import { z } from 'zod';

/**
 * The small JSON bodies the Webhook documents created by `campus-bridge setup` send (their
 * `webhook_json`). A body is only a trigger: workflows re-read the document. Extra keys are
 * accepted so a hand-made Webhook sending the whole document works too.
 */
const docName = z.string().trim().min(1, 'expected the document name');

export const studentWebhookBody = z.looseObject({
  doctype: z.literal('Student'),
  name: docName,
});

export const programEnrollmentWebhookBody = z.looseObject({
  doctype: z.literal('Program Enrollment'),
  name: docName,
  student: docName,
  program: docName,
});

/** Course Enrollment carries its links because after on_trash there is nothing left to re-read. */
export const courseEnrollmentWebhookBody = z.looseObject({
  doctype: z.literal('Course Enrollment'),
  name: docName,
  student: docName,
  course: docName,
  program_enrollment: docName,
});

export type ErpnextWebhookBody =
  | z.infer<typeof studentWebhookBody>
  | z.infer<typeof programEnrollmentWebhookBody>
  | z.infer<typeof courseEnrollmentWebhookBody>;

/** The triggers the gateway accepts: URL slug → DocType, its events and its body. */
export const erpnextTriggers = {
  student: { doctype: 'Student', events: ['after_insert', 'on_update'], body: studentWebhookBody },
  'program-enrollment': { doctype: 'Program Enrollment', events: ['on_submit', 'on_cancel'], body: programEnrollmentWebhookBody },
  'course-enrollment': { doctype: 'Course Enrollment', events: ['after_insert', 'on_trash'], body: courseEnrollmentWebhookBody },
} as const;

export type ErpnextTriggerSlug = keyof typeof erpnextTriggers;
