import type { Site } from '../../../sandboxes/erpnext/site';

/**
 * Documents the roster and money captures (179–370) rely on that no capture in the folder creates:
 * the README says some captures are kept back (143 `course-insert-a` among them), and the site had
 * rooms, an assessment set-up and earlier runs' assessment results and attendance before 001. Only
 * what a later capture names is created, with the series counters its names show.
 */
export function seedHeldBackDocuments(site: Site) {
  site.transaction(() => {
    // 195 adds EDU-STU-2026-00004 to a group; its name shows only there.
    site.dbSetValue('Student', 'EDU-STU-2026-00004', { first_name: 'Katherine', last_name: "O'Johnson", student_name: "Katherine O'Johnson" }, { updateModified: false });
    // 146 lists CBq0848-A with its course_name, so it existed (held-back 143).
    site.insert('Course', { course_name: 'CBq0848-A' });
    // 200 books HTL-ROOM-2026-00001.
    site.insert('Room', { room_name: 'Room 1', seating_capacity: 30 });
    // 204 plans an assessment in "CB Final Exams" with criterion "Final Grade" on "CB Scale"; 207/214 grade 85 and 91 "A".
    site.insert('Assessment Group', { assessment_group_name: 'CB Final Exams' });
    site.insert('Assessment Criteria', { assessment_criteria: 'Final Grade' });
    const thresholds: [string, number][] = [['A', 80], ['B', 60], ['C', 40], ['F', 0]];
    site.insert('Grading Scale', { grading_scale_name: 'CB Scale', docstatus: 1, intervals: thresholds.map(([grade_code, threshold]) => ({ grade_code, threshold })) });
  });
  // Earlier runs' numbers: 204 is EDU-ASP-2026-00005, 207 EDU-RES-2026-00205, 216 EDU-ATT-2026-00207.
  const skip = (prefix: string, count: number) => {
    for (let i = 0; i < count; i++) site.store.nextSeries(prefix);
  };
  skip('EDU-ASP-2026-', 4);
  skip('EDU-RES-2026-', 204);
  skip('EDU-ATT-2026-', 206);
}
