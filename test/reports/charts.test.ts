import type { Browser } from 'playwright-core';
import { activityChart, attendanceOverTimeChart } from '../../src/charts/attendance-activity';
import { gradeDistributionChart } from '../../src/charts/grade-distribution';
import { programTrendsChart } from '../../src/charts/program-trends';
import { revenueChart } from '../../src/charts/revenue-outstanding';
import { gradeFigures, weeklyAttendance } from '../../src/reports/course-figures';
import { revenueOf } from '../../src/reports/figures';
import { launchChromium } from '../console/browser';

/*
 * Every chart, rendered on the server, painted by headless Chromium: the SVG is drawn onto a
 * canvas in the page and its pixels counted, and a screenshot is taken of the same page.
 */
let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
}, 600_000);
afterAll(async () => {
  await browser?.close();
});

const charts: [string, () => Promise<string>][] = [
  ['grade distribution', () => gradeDistributionChart(gradeFigures([35, 48, 52, 61, 67, 74, 88], [55, 63]))],
  ['attendance by week', () => attendanceOverTimeChart(weeklyAttendance([{ date: '2026-09-14', status: 'Present' }, { date: '2026-09-21', status: 'Absent' }, { date: '2026-09-28', status: 'Present' }]))],
  ['last access', () => activityChart([{ weeksAgo: 0, students: 9 }, { weeksAgo: 2, students: 3 }, { weeksAgo: -1, students: 1 }])],
  ['revenue vs outstanding', () => revenueChart([{ course: 'PHO150', revenue: revenueOf([{ grand_total: 250, outstanding_amount: 0 }, { grand_total: 250, outstanding_amount: 250 }]) }])],
  ['program trends', () => programTrendsChart([{ term: 'Spring', students: 10, averageGrade: 60, passRate: 90, attendanceRate: 80, revenue: revenueOf([]) }, { term: 'Autumn', students: 10, averageGrade: 64, passRate: 88, attendanceRate: 77, completionRate: 70, revenue: revenueOf([]) }])],
];

test.each(charts)('%s renders as SVG and paints in Chromium', async (_name, render) => {
  const svg = await render();
  expect(svg.startsWith('<svg')).toBe(true);
  const page = await browser.newPage({ viewport: { width: 640, height: 360 } });
  try {
    await page.setContent(`<!doctype html><body style="margin:0;background:#fff">${svg}</body>`);
    // Runs in the page (DOM types are not in this project's lib): draw the SVG on a canvas, count non-white pixels.
    const painted = (await page.evaluate(`(async (source) => {
      const image = new Image();
      image.src = 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(source);
      await image.decode();
      const canvas = document.createElement('canvas');
      canvas.width = image.width;
      canvas.height = image.height;
      const ctx = canvas.getContext('2d');
      ctx.fillStyle = '#fff';
      ctx.fillRect(0, 0, canvas.width, canvas.height);
      ctx.drawImage(image, 0, 0);
      const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
      let coloured = 0;
      for (let i = 0; i < data.length; i += 4) if (data[i] < 200 || data[i + 1] < 200 || data[i + 2] < 200) coloured += 1;
      return { coloured, total: data.length / 4 };
    })(${JSON.stringify(svg)})`)) as { coloured: number; total: number };
    expect(painted.total).toBeGreaterThan(10_000);
    // Axes, labels and marks: well over a few hundred non-white pixels; a blank chart has none.
    expect(painted.coloured).toBeGreaterThan(500);
    const shot = await page.locator('svg').first().screenshot();
    expect(shot.length).toBeGreaterThan(1000);
  } finally {
    await page.close();
  }
});
