import {
  demoAcademicTerm,
  demoAcademicYear,
  demoAssessmentCriteria,
  demoAssessmentGroup,
  demoAssessmentPlans,
  demoCompany,
  demoCourses,
  demoDifferentlyNamedCourse,
  demoGradingScale,
  demoHolidayList,
  demoPaidElective,
  demoPrograms,
  demoSeedDate,
  demoStudentGroups,
  demoInstructorOf,
  demoInstructors,
  demoStudents,
} from '../demo-data';
import type { Site } from './site';

/**
 * The demo institution (sandboxes/demo-data.ts), inserted through the same document lifecycle a
 * real site would run, with the clock at `demoSeedDate` so names come out as the demo data says.
 */
export function seedDemo(site: Site) {
  site.clock.set(new Date(`${demoSeedDate}T09:00:00Z`));
  try {
    site.transaction(() => {
      const abbr = demoCompany.abbr;
      site.insert('Holiday List', {
        holiday_list_name: demoHolidayList.name,
        from_date: demoHolidayList.fromDate,
        to_date: demoHolidayList.toDate,
        holidays: demoHolidayList.holidays.map((h) => ({ holiday_date: h.date, description: h.description })),
      });
      site.insert('Company', { company_name: demoCompany.name, abbr, default_currency: demoCompany.currency, country: demoCompany.country, default_holiday_list: demoHolidayList.name });
      site.insert('Account', { account_name: 'Debtors', company: demoCompany.name, account_type: 'Receivable' });
      site.insert('Account', { account_name: 'Cash', company: demoCompany.name, account_type: 'Cash' });
      site.insert('Account', { account_name: 'Sales', company: demoCompany.name, account_type: 'Income Account' });
      site.insert('Price List', { price_list_name: demoPaidElective.priceList, currency: demoPaidElective.currency, selling: 1 });
      site.insert('Department', { department_name: 'Academic' });

      site.insert('Academic Year', { academic_year_name: demoAcademicYear.name, year_start_date: demoAcademicYear.yearStartDate, year_end_date: demoAcademicYear.yearEndDate });
      site.insert('Academic Term', { academic_year: demoAcademicTerm.academicYear, term_name: demoAcademicTerm.termName, term_start_date: demoAcademicTerm.termStartDate, term_end_date: demoAcademicTerm.termEndDate });

      site.insert('Grading Scale', {
        grading_scale_name: demoGradingScale.name,
        intervals: demoGradingScale.intervals.map((i) => ({ grade_code: i.gradeCode, threshold: i.threshold, grade_description: i.description })),
        docstatus: 1,
      });
      site.insert('Assessment Group', { assessment_group_name: demoAssessmentGroup, parent_assessment_group: 'All Assessment Groups' });
      site.insert('Assessment Criteria', { assessment_criteria: demoAssessmentCriteria });

      for (const course of demoCourses) site.insert('Course', { course_name: course.code, description: course.title, default_grading_scale: demoGradingScale.name, department: 'Academic' });
      const { erpnext: named } = demoDifferentlyNamedCourse;
      site.insert('Course', { course_name: named.code, description: named.title, default_grading_scale: demoGradingScale.name, department: 'Academic' });
      for (const program of demoPrograms) {
        site.insert('Program', { program_name: program.name, program_abbreviation: program.abbreviation, department: 'Academic', courses: program.courses.map((course) => ({ course, required: 1 })) });
      }

      for (const s of demoStudents) {
        site.insert('Student', {
          first_name: s.firstName,
          last_name: s.lastName,
          student_email_id: s.email,
          student_mobile_number: s.mobile,
          gender: s.gender,
          date_of_birth: s.dateOfBirth,
          address_line_1: s.address.line1,
          city: s.address.city,
          pincode: s.address.pincode,
          country: s.address.country,
          joining_date: demoSeedDate,
        });
      }
      for (const s of demoStudents.filter((x) => x.enrolled)) {
        site.insert('Program Enrollment', { student: s.name, program: s.program, academic_year: demoAcademicYear.name, academic_term: demoAcademicTerm.name, enrollment_date: demoSeedDate, docstatus: 1 });
      }

      site.insert('Custom Field', { dt: 'Instructor', fieldname: 'custom_email', label: 'Email', fieldtype: 'Data' });
      for (const instructor of demoInstructors) site.insert('Instructor', { instructor_name: instructor.name, custom_email: instructor.email });
      for (const group of demoStudentGroups) {
        const instructor = demoInstructorOf(group);
        site.insert('Student Group', {
          student_group_name: group.name,
          group_based_on: group.basedOn,
          academic_year: demoAcademicYear.name,
          academic_term: demoAcademicTerm.name,
          program: group.program,
          course: group.course ?? null,
          students: group.students.map((student) => ({ student, active: 1 })),
          instructors: instructor ? [{ instructor }] : [],
        });
      }
      for (const plan of demoAssessmentPlans) {
        site.insert('Assessment Plan', {
          assessment_name: plan.assessmentName,
          student_group: plan.studentGroup,
          assessment_group: demoAssessmentGroup,
          course: plan.course,
          grading_scale: demoGradingScale.name,
          schedule_date: plan.scheduleDate,
          from_time: plan.fromTime,
          to_time: plan.toTime,
          maximum_assessment_score: plan.maximumScore,
          assessment_criteria: [{ assessment_criteria: demoAssessmentCriteria, maximum_score: plan.maximumScore }],
          docstatus: 1,
        });
      }

      const { item } = demoPaidElective;
      site.insert('Item', { item_code: item.itemCode, item_name: item.itemName, item_group: item.itemGroup, stock_uom: item.stockUom, is_stock_item: 0, standard_rate: demoPaidElective.price });
      site.insert('Item Price', { item_code: item.itemCode, price_list: demoPaidElective.priceList, price_list_rate: demoPaidElective.price, currency: demoPaidElective.currency });
    });
  } finally {
    site.clock.set(undefined);
  }
}
