import Table from 'cli-table3';
import type { CourseSyncCounts, SyncReport } from '../../workflows/course-sync/sync-report';

const skippedText = (skipped: CourseSyncCounts['skipped']) =>
  Object.entries(skipped)
    .filter(([, n]) => (n ?? 0) > 0)
    .map(([reason, n]) => `${reason}: ${n}`)
    .join(', ');

/** A finished grade, attendance or completion sync as an operator reads it: totals, then a row per course. */
export function syncReportTable(workflowId: string, report: SyncReport<CourseSyncCounts>): string {
  const { totals } = report;
  const summary =
    `${workflowId}: ${report.courses.length} course(s), ${totals.created} created, ${totals.updated} updated, ${totals.unchanged} unchanged, ` +
    `${totals.skipped} skipped, ${totals.failedCourses} failed, ${totals.unmappedCourses} unmapped`;
  if (report.handedOverTo) return `${summary} (handed over to ${report.handedOverTo.workflowId}, run ${report.handedOverTo.runId})`;
  const table = new Table({ head: ['Course', 'Status', 'Created', 'Updated', 'Unchanged', 'Skipped', 'Reason'], style: { head: [], border: [] }, wordWrap: true, colWidths: [null, null, null, null, null, 34, 40] });
  for (const course of report.courses) {
    table.push([course.course, course.status, course.created, course.updated, course.unchanged, skippedText(course.skipped), course.reason ?? '']);
  }
  return `${summary}\n${table.toString()}`;
}
