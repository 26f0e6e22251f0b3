import type { ErpnextClient } from '../../src/erpnext/client';
import { createCourseEnrollments, type CourseEnrollment } from '../../src/erpnext/resources/course-enrollments';
import { createProgramEnrollments, type ProgramEnrollment } from '../../src/erpnext/resources/program-enrollments';
import { createStudents } from '../../src/erpnext/resources/students';
import { erpnextInsertManyLimit } from '../../src/common/batches';
import { writeMoodleUserIds, type LinkWriteBack } from '../backfill-erpnext';
import { createGatherer, type BatchSender, type GathererLimits } from './gatherer';

/**
 * One batch of each kind at a time: a small site has two gunicorn workers (issue #12). The reads
 * are lists of `name in [...]`, POSTed when long (the client's getList), so a batch is one request.
 */
export const erpnextBurstLimits = {
  writeBack: { maxBatch: erpnextInsertManyLimit, maxInFlight: 1 },
  courseEnrollmentRead: { maxBatch: 200, maxInFlight: 1 },
  programEnrollmentRead: { maxBatch: 200, maxInFlight: 1 },
} as const satisfies Record<string, GathererLimits>;

/** ERPNext kept a write-back out of a bulk_update (its failed_docs); the activity retries it. */
export class WriteBackNotSaved extends Error {
  constructor(student: string) {
    super(`ERPNext did not save the Moodle user id on Student ${student} in a batched write-back; it is retried`);
    this.name = 'WriteBackNotSaved';
  }
}

/**
 * The ERPNext calls gathered in a burst. The write-back of the Moodle user id
 * (Student.custom_moodle_user_id): alone it is the PUT it always was; in a burst, the waiting
 * ones go as one `frappe.client.bulk_update` (the backfill's writeMoodleUserIds), where each
 * document saves on its own and fires its on_update exactly as the PUT does, so a refused one
 * fails only its own activity. The reads of a Course Enrollment event (its document and its
 * Program Enrollment, two requests per event and four events per admission): alone the same two
 * reads, in a burst one list each for every waiting event.
 */
export function createErpnextBurst(erp: ErpnextClient, limits: typeof erpnextBurstLimits = erpnextBurstLimits) {
  const students = createStudents(erp);
  const writeBack: BatchSender<LinkWriteBack, void> = async (links, signal) => {
    if (links.length === 1) {
      // Alone it is that activity's own request: its cancellation aborts the PUT.
      await students.setMoodleUserId(links[0]!.student, links[0]!.moodleUserId, signal && { signal });
      return [{ ok: true, value: undefined }];
    }
    const { failed } = await writeMoodleUserIds(erp, links);
    const refused = new Set(failed);
    return links.map((link) => (refused.has(link.student) ? { ok: false, error: new WriteBackNotSaved(link.student) } : { ok: true, value: undefined }));
  };
  const courseEnrollments = createCourseEnrollments(erp);
  const courseEnrollmentRead: BatchSender<string, CourseEnrollment | undefined> = async (names) => {
    if (names.length === 1) return [{ ok: true, value: await courseEnrollments.find(names[0]!) }];
    const found = new Map((await courseEnrollments.findAll([...new Set(names)])).map((doc) => [doc.name, doc]));
    return names.map((name) => ({ ok: true, value: found.get(name) }));
  };
  const programEnrollments = createProgramEnrollments(erp);
  const programEnrollmentRead: BatchSender<string, ProgramEnrollment> = async (names) => {
    if (names.length === 1) return [{ ok: true, value: await programEnrollments.get(names[0]!) }];
    const found = new Map((await programEnrollments.findAll([...new Set(names)])).map((doc) => [doc.name, doc]));
    // One the list lacks is read alone, so its caller gets ERPNext's own answer (a 404) as before.
    return Promise.all(
      names.map(async (name) => {
        const doc = found.get(name);
        if (doc) return { ok: true as const, value: doc };
        return programEnrollments.get(name).then(
          (value) => ({ ok: true as const, value }),
          (error: unknown) => ({ ok: false as const, error }),
        );
      }),
    );
  };
  return {
    writeMoodleUserId: createGatherer(writeBack, limits.writeBack),
    /** A Course Enrollment by name, undefined when it is gone (courseEnrollments.find), gathered in a burst. */
    findCourseEnrollment: createGatherer(courseEnrollmentRead, limits.courseEnrollmentRead),
    /** A Program Enrollment by name (programEnrollments.get), gathered in a burst. */
    getProgramEnrollment: createGatherer(programEnrollmentRead, limits.programEnrollmentRead),
  };
}

export type ErpnextBurst = ReturnType<typeof createErpnextBurst>;
