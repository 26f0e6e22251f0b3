import type { Mapping } from '../config/mapping-file';
import type { ErpnextClient } from '../erpnext/client';
import { blocker, ok, warning, type Check } from './checks';
import type { ErpnextSnapshot, MoodleSnapshot } from '../reconcile/snapshots';

/** Every program course has a Moodle course; every paid elective has its Moodle course and ERPNext Item. */
export async function mappingChecks(erp: ErpnextClient, mapping: Mapping, erpSnap: ErpnextSnapshot, moodleSnap: MoodleSnapshot): Promise<Check[]> {
  const checks: Check[] = [];
  const moodleIdnumbers = new Set(moodleSnap.courses.map((c) => c.idnumber).filter(Boolean));
  for (const [program, courses] of Object.entries(erpSnap.programCourses)) {
    const missing = courses.filter((c) => !moodleIdnumbers.has(c));
    checks.push(
      missing.length === 0
        ? ok('mapping', `program ${program}`, `all ${courses.length} courses have a Moodle course`)
        : warning('mapping', `program ${program}`, `no Moodle course with idnumber ${missing.join(', ')} (enrolment skips and reports it)`, 'create the Moodle course with that idnumber, map it in `courses:`, or leave it if it is taught outside Moodle'),
    );
  }
  for (const [course, elective] of Object.entries(mapping.electives.courses)) {
    const problems: string[] = [];
    if (!moodleIdnumbers.has(course)) problems.push(`no Moodle course ${course}`);
    const items = await erp.getList('Item', { filters: [['name', '=', elective.item]], limitPageLength: 1 });
    if (items.length === 0) problems.push(`no ERPNext Item ${elective.item}`);
    checks.push(
      problems.length === 0
        ? ok('mapping', `elective ${course}`, `Item ${elective.item} at ${elective.rate}`)
        : blocker('mapping', `elective ${course}`, problems.join('; '), 'create them, or correct `electives.courses` in the mapping file'),
    );
  }
  return checks;
}
