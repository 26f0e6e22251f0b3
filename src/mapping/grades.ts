import { attributionSkip, type AttributionSkipReason } from './student-attribution';

/**
 * Moodle final course grade → ERPNext Assessment Result: pure transforms, shared by activities
 * (which read and write) and workflows (which decide). No I/O here.
 */

/** One student's course total as read from `gradereport_user_get_grade_items`. */
export interface CourseTotal {
  moodleUserId: number;
  /** Moodle `user.idnumber` = ERPNext `Student.name`; empty when the account was never linked. */
  studentId: string;
  /** Moodle's final (capped/overridden) grade; `graderaw` of the `itemtype: "course"` item. */
  graderaw: number;
  grademin: number;
  grademax: number;
  /** `gradedategraded` (unix seconds): the grade row's last change, our change marker. */
  gradedAt: number | null;
}

/** The minimal shape of a user's grade items we need; the Moodle client's zod schema is wider. */
export interface UserGradeItems {
  userid: number;
  useridnumber?: string | null;
  gradeitems: { itemtype: string; graderaw?: number | null; grademin?: number; grademax?: number; gradedategraded?: number | null }[];
}

export interface CourseTotalsSince {
  /** Graded course totals changed at or after `since`. */
  changed: CourseTotal[];
  /** How many users had a course total at all (the rest are ungraded). */
  graded: number;
  /** The newest `gradedategraded` seen, never below `since`. */
  watermark: number;
}

/**
 * Picks the course-total item of each user and keeps those graded at or after `since`.
 * `>=` rather than `>`: Moodle's timestamps have one-second resolution, so a grade changed in the
 * same second as the previous read must still be looked at (the unchanged check makes that free).
 * A graded row without a date cannot be placed in time and is always looked at.
 */
export function courseTotalsSince(usergrades: readonly UserGradeItems[], since: number): CourseTotalsSince {
  const changed: CourseTotal[] = [];
  let graded = 0;
  let watermark = since;
  for (const user of usergrades) {
    const total = user.gradeitems.find((item) => item.itemtype === 'course');
    if (total === undefined || total.graderaw === null || total.graderaw === undefined) continue;
    graded += 1;
    const gradedAt = total.gradedategraded ?? null;
    if (gradedAt !== null) watermark = Math.max(watermark, gradedAt);
    if (gradedAt !== null && gradedAt < since) continue;
    changed.push({
      moodleUserId: user.userid,
      studentId: (user.useridnumber ?? '').trim(),
      graderaw: total.graderaw,
      // Without a range the grade cannot be scaled; 0..0 makes planResultWrites report it.
      grademin: total.grademin ?? 0,
      grademax: total.grademax ?? 0,
      gradedAt,
    });
  }
  return { changed, graded, watermark };
}

/** What a submitted Assessment Plan says about how results are scored. */
export interface PlanContext {
  plan: string;
  maximumScore: number;
  criteria: { criterion: string; maximumScore: number }[];
  studentGroup: string;
  /** Students active in the plan's group: ERPNext rejects results for anyone else. */
  activeStudents: string[];
}

/** An Assessment Result already in ERPNext (docstatus 0 draft or 1 submitted; cancelled ones are ignored). */
export interface ExistingResult {
  name: string;
  student: string;
  docstatus: 0 | 1;
  totalScore: number;
}

export interface ResultDetail {
  assessment_criteria: string;
  score: number;
}

export interface DesiredResult {
  student: string;
  totalScore: number;
  details: ResultDetail[];
}

export type GradeSkipReason = AttributionSkipReason | 'no-grade-range' | 'duplicate-student-idnumber';

export interface SkippedGrade {
  moodleUserId: number;
  studentId?: string;
  reason: GradeSkipReason;
  /** The row's `gradedAt`: the course's watermark may not pass it, so the row is read again once its cause is fixed. */
  gradedAt: number | null;
}

export interface ResultWrites {
  create: DesiredResult[];
  /** Drafts: updated in place (and submitted in the same write when configured). */
  update: (DesiredResult & { name: string })[];
  /** Submitted results: Frappe allows no edit, so they are cancelled and amended. */
  amend: (DesiredResult & { name: string })[];
  unchanged: number;
  skipped: SkippedGrade[];
}

const round2 = (value: number) => Math.round(value * 100) / 100;

/** Scales a Moodle grade on grademin..grademax to 0..maximumScore, clamped, two decimals. */
export function scaleGrade(total: Pick<CourseTotal, 'graderaw' | 'grademin' | 'grademax'>, maximumScore: number): number {
  const fraction = (total.graderaw - total.grademin) / (total.grademax - total.grademin);
  return round2(Math.min(1, Math.max(0, fraction)) * maximumScore);
}

/**
 * A course total is one number, so every criterion of the plan gets the same percentage of its own
 * maximum (a plan with one criterion, the usual "final grade" plan, gets the whole score). The last
 * row absorbs rounding so the rows add up to the total exactly, as Education sums them.
 */
export function splitAcrossCriteria(totalScore: number, plan: Pick<PlanContext, 'maximumScore' | 'criteria'>): ResultDetail[] {
  let assigned = 0;
  return plan.criteria.map((criterion, index) => {
    const last = index === plan.criteria.length - 1;
    const score = last ? round2(totalScore - assigned) : round2((totalScore * criterion.maximumScore) / plan.maximumScore);
    assigned = round2(assigned + score);
    return { assessment_criteria: criterion.criterion, score };
  });
}

const sameScore = (a: number, b: number) => Math.abs(a - b) < 0.005;

/**
 * Decides the writes that bring ERPNext in line with Moodle: create when missing, update when the
 * score differs, nothing when equal. Grades that cannot be attributed are skipped with a reason,
 * never guessed. With `submit`, a draft whose score is right is still submitted once.
 */
export function planResultWrites(
  totals: readonly CourseTotal[],
  plan: PlanContext,
  existing: readonly ExistingResult[],
  submit: boolean,
): ResultWrites {
  const active = new Set(plan.activeStudents);
  const byStudent = new Map<string, ExistingResult>();
  for (const result of existing) if (!byStudent.has(result.student)) byStudent.set(result.student, result);

  const writes: ResultWrites = { create: [], update: [], amend: [], unchanged: 0, skipped: [] };
  const seen = new Set<string>();
  for (const total of totals) {
    const unattributed = attributionSkip(total, active);
    if (unattributed) {
      writes.skipped.push({ ...unattributed, gradedAt: total.gradedAt });
      continue;
    }
    if (!(total.grademax > total.grademin)) {
      writes.skipped.push({ moodleUserId: total.moodleUserId, studentId: total.studentId, reason: 'no-grade-range', gradedAt: total.gradedAt });
      continue;
    }
    // Moodle idnumbers are not unique; a second account claiming the same student must not overwrite the first.
    if (seen.has(total.studentId)) {
      writes.skipped.push({ moodleUserId: total.moodleUserId, studentId: total.studentId, reason: 'duplicate-student-idnumber', gradedAt: total.gradedAt });
      continue;
    }
    seen.add(total.studentId);

    const totalScore = scaleGrade(total, plan.maximumScore);
    const desired: DesiredResult = { student: total.studentId, totalScore, details: splitAcrossCriteria(totalScore, plan) };
    const current = byStudent.get(total.studentId);
    if (current === undefined) writes.create.push(desired);
    else if (current.docstatus === 1 && !sameScore(current.totalScore, totalScore)) writes.amend.push({ ...desired, name: current.name });
    else if (current.docstatus === 0 && (!sameScore(current.totalScore, totalScore) || submit)) writes.update.push({ ...desired, name: current.name });
    else writes.unchanged += 1;
  }
  return writes;
}

export function countSkips<R extends string>(skipped: readonly { reason: R }[]): Partial<Record<R, number>> {
  const counts: Partial<Record<R, number>> = {};
  for (const { reason } of skipped) counts[reason] = (counts[reason] ?? 0) + 1;
  return counts;
}
