import { courseTotalsSince, planResultWrites, scaleGrade, splitAcrossCriteria, type CourseTotal, type PlanContext, type UserGradeItems } from '../../src/mapping/grades';
import { erpnextCourseOf, selectCourses } from '../../src/mapping/mapped-courses';

const user = (userid: number, idnumber: string, graderaw: number | null, gradedategraded: number | null): UserGradeItems => ({
  userid,
  useridnumber: idnumber,
  gradeitems: [
    { itemtype: 'mod', graderaw: 5, grademin: 0, grademax: 10, gradedategraded: 999_999 },
    { itemtype: 'course', graderaw, grademin: 0, grademax: 200, gradedategraded },
  ],
});

const plan: PlanContext = {
  plan: 'EDU-ASP-2026-00001',
  maximumScore: 100,
  criteria: [{ criterion: 'Course Total', maximumScore: 100 }],
  studentGroup: 'CS101 2026-27',
  activeStudents: ['S1', 'S2', 'S3'],
};

const total = (studentId: string, graderaw: number, moodleUserId = 1): CourseTotal => ({ moodleUserId, studentId, graderaw, grademin: 0, grademax: 200, gradedAt: 100 });

describe('courseTotalsSince', () => {
  it('reads only the course-total item, skips ungraded users and keeps grades changed at or after the watermark', () => {
    const read = courseTotalsSince([user(1, 'S1', 150, 100), user(2, 'S2', 120, 200), user(3, 'S3', null, null), user(4, '', 80, 300)], 200);
    expect(read.graded).toBe(3);
    expect(read.changed.map((t) => t.moodleUserId)).toEqual([2, 4]);
    expect(read.changed[0]).toEqual({ moodleUserId: 2, studentId: 'S2', graderaw: 120, grademin: 0, grademax: 200, gradedAt: 200 });
    expect(read.watermark).toBe(300);
  });

  it('never moves the watermark backwards and always looks at undated grades', () => {
    const read = courseTotalsSince([user(1, 'S1', 150, null)], 500);
    expect(read.watermark).toBe(500);
    expect(read.changed).toHaveLength(1);
  });
});

describe('score conversion', () => {
  it('scales grademin..grademax onto the plan maximum, clamped, two decimals', () => {
    expect(scaleGrade({ graderaw: 150, grademin: 0, grademax: 200 }, 100)).toBe(75);
    expect(scaleGrade({ graderaw: 2, grademin: 1, grademax: 4 }, 10)).toBe(3.33);
    expect(scaleGrade({ graderaw: 250, grademin: 0, grademax: 200 }, 100)).toBe(100);
  });

  it('gives every criterion the same percentage and makes the rows add up to the total', () => {
    const details = splitAcrossCriteria(66.67, { maximumScore: 100, criteria: [{ criterion: 'Theory', maximumScore: 70 }, { criterion: 'Practical', maximumScore: 30 }] });
    expect(details).toEqual([
      { assessment_criteria: 'Theory', score: 46.67 },
      { assessment_criteria: 'Practical', score: 20 },
    ]);
    expect(details.reduce((sum, d) => sum + d.score, 0)).toBeCloseTo(66.67, 5);
  });
});

describe('planResultWrites', () => {
  it('creates missing results, updates drafts that differ, amends submitted ones that differ, leaves equal ones alone', () => {
    const writes = planResultWrites(
      [total('S1', 150), total('S2', 120), total('S3', 100)],
      plan,
      [
        { name: 'R2', student: 'S2', docstatus: 0, totalScore: 50 },
        { name: 'R3', student: 'S3', docstatus: 1, totalScore: 50 },
      ],
      false,
    );
    expect(writes.create).toEqual([{ student: 'S1', totalScore: 75, details: [{ assessment_criteria: 'Course Total', score: 75 }] }]);
    expect(writes.update).toEqual([{ name: 'R2', student: 'S2', totalScore: 60, details: [{ assessment_criteria: 'Course Total', score: 60 }] }]);
    expect(writes.amend).toEqual([]);
    expect(writes.unchanged).toBe(1);
  });

  it('amends a submitted result whose score changed', () => {
    const writes = planResultWrites([total('S3', 101)], plan, [{ name: 'R3', student: 'S3', docstatus: 1, totalScore: 50 }], true);
    expect(writes.amend).toEqual([{ name: 'R3', student: 'S3', totalScore: 50.5, details: [{ assessment_criteria: 'Course Total', score: 50.5 }] }]);
  });

  it('submits a correct draft once when submitting is configured, and not otherwise', () => {
    const existing = [{ name: 'R1', student: 'S1', docstatus: 0 as const, totalScore: 75 }];
    expect(planResultWrites([total('S1', 150)], plan, existing, true).update).toHaveLength(1);
    expect(planResultWrites([total('S1', 150)], plan, existing, false).unchanged).toBe(1);
  });

  it('reports grades it cannot attribute instead of guessing', () => {
    const writes = planResultWrites(
      [total('', 150, 7), total('S9', 150, 8), { ...total('S1', 150, 9), grademax: 0 }, total('S2', 150, 10), total('S2', 140, 11)],
      plan,
      [],
      false,
    );
    expect(writes.skipped).toEqual([
      { moodleUserId: 7, reason: 'no-student-idnumber', gradedAt: 100 },
      { moodleUserId: 8, studentId: 'S9', reason: 'not-in-student-group', gradedAt: 100 },
      { moodleUserId: 9, studentId: 'S1', reason: 'no-grade-range', gradedAt: 100 },
      { moodleUserId: 11, studentId: 'S2', reason: 'duplicate-student-idnumber', gradedAt: 100 },
    ]);
    expect(writes.create.map((r) => r.student)).toEqual(['S2']);
  });
});

describe('course selection', () => {
  const courses = [
    { id: 1, idnumber: '', shortname: 'Campus', format: 'site' },
    { id: 2, idnumber: 'CS101', shortname: 'CS101' },
    { id: 3, idnumber: 'moodle-bus', shortname: 'BUS' },
    { id: 4, idnumber: '', shortname: 'Sandbox course' },
  ];

  it('maps idnumbers to ERPNext Courses through the mapping file, reporting courses without an idnumber', () => {
    expect(erpnextCourseOf('moodle-bus', { BUS100: 'moodle-bus' })).toBe('BUS100');
    const { mapped, unmapped } = selectCourses(courses, { BUS100: 'moodle-bus' });
    expect(mapped).toEqual([
      { moodleCourseId: 2, moodleIdnumber: 'CS101', erpnextCourse: 'CS101' },
      { moodleCourseId: 3, moodleIdnumber: 'moodle-bus', erpnextCourse: 'BUS100' },
    ]);
    expect(unmapped).toEqual([{ course: 'Sandbox course', reason: expect.stringContaining('no idnumber') }]);
  });

  it('restricts to one course by either name and reports an unknown one', () => {
    expect(selectCourses(courses, { BUS100: 'moodle-bus' }, 'BUS100').mapped.map((c) => c.moodleCourseId)).toEqual([3]);
    expect(selectCourses(courses, {}, 'NOPE')).toEqual({ mapped: [], unmapped: [{ course: 'NOPE', reason: 'no Moodle course has this idnumber' }] });
  });
});
