/**
 * The small, believable institution both sandboxes seed from (`seed: 'demo'`). Deterministic: the
 * same names, ids and numbers on every run, so tests and demos can refer to them.
 *
 * Cross-system keys (docs/architecture.md): Moodle course `idnumber` == ERPNext Course name; Moodle user
 * `idnumber` == ERPNext `Student.name`. ERPNext names below are what the ERPNext sandbox assigns when
 * it inserts the records in the order given, with its clock at `demoSeedDate` (naming series
 * `EDU-STU-.YYYY.-` → `EDU-STU-2026-00001`, …).
 */

/** The sandbox clock while seeding: names carry this year, documents this creation date. */
export const demoSeedDate = '2026-08-20';

export const demoCompany = { name: 'Campus Bridge University', abbr: 'CBU', currency: 'GBP', country: 'United Kingdom' } as const;

export const demoAcademicYear = { name: '2026-27', yearStartDate: '2026-09-01', yearEndDate: '2027-06-30' } as const;

/** Education names an Academic Term "<academic_year> (<term_name>)". */
export const demoAcademicTerm = {
  name: '2026-27 (Autumn)',
  termName: 'Autumn',
  academicYear: demoAcademicYear.name,
  termStartDate: '2026-09-14',
  termEndDate: '2026-12-18',
} as const;

/** The Company's default Holiday List: Student Attendance cannot be marked on these dates. */
export const demoHolidayList = {
  name: 'CBU 2026-27',
  fromDate: demoAcademicYear.yearStartDate,
  toDate: demoAcademicYear.yearEndDate,
  holidays: [
    { date: '2026-12-25', description: 'Christmas Day' },
    { date: '2026-12-28', description: 'Boxing Day (substitute day)' },
    { date: '2027-01-01', description: "New Year's Day" },
    { date: '2027-03-26', description: 'Good Friday' },
    { date: '2027-03-29', description: 'Easter Monday' },
    { date: '2027-05-03', description: 'Early May bank holiday' },
  ],
} as const;

export interface DemoCourse {
  /** ERPNext Course name (autoname field:course_name) and the Moodle course idnumber. */
  code: string;
  title: string;
  /** Whether a Moodle course exists for it. */
  moodle: boolean;
  /** Moodle course category name. */
  category: string;
}

export interface DemoProgram {
  /** ERPNext Program name (autoname field:program_name). */
  name: string;
  abbreviation: string;
  courses: readonly string[];
}

export const demoCourses: readonly DemoCourse[] = [
  { code: 'CS101', title: 'Introduction to Programming', moodle: true, category: 'Computer Science' },
  { code: 'CS102', title: 'Data Structures', moodle: true, category: 'Computer Science' },
  { code: 'CS201', title: 'Databases', moodle: true, category: 'Computer Science' },
  { code: 'MATH110', title: 'Discrete Mathematics', moodle: true, category: 'Computer Science' },
  { code: 'BUS101', title: 'Principles of Management', moodle: true, category: 'Business' },
  { code: 'BUS102', title: 'Marketing Fundamentals', moodle: true, category: 'Business' },
  { code: 'ACC101', title: 'Financial Accounting', moodle: true, category: 'Business' },
  { code: 'ECON101', title: 'Microeconomics', moodle: true, category: 'Business' },
  { code: 'NUR101', title: 'Foundations of Nursing Practice', moodle: true, category: 'Nursing' },
  { code: 'NUR102', title: 'Anatomy and Physiology', moodle: true, category: 'Nursing' },
  { code: 'NUR103', title: 'Health and Society', moodle: true, category: 'Nursing' },
  // A supervised ward placement, assessed on paper: the one program course with no Moodle course.
  { code: 'NUR110', title: 'Clinical Placement I', moodle: false, category: 'Nursing' },
  // Not in any program: the paid elective students self-enrol in on Moodle.
  { code: 'PHO150', title: 'Digital Photography', moodle: true, category: 'Electives' },
];

export const demoPrograms: readonly DemoProgram[] = [
  { name: 'BSc Computer Science', abbreviation: 'BSCCS', courses: ['CS101', 'CS102', 'CS201', 'MATH110'] },
  { name: 'BA Business', abbreviation: 'BABUS', courses: ['BUS101', 'BUS102', 'ACC101', 'ECON101'] },
  { name: 'BSc Nursing', abbreviation: 'BSCN', courses: ['NUR101', 'NUR102', 'NUR103', 'NUR110'] },
];

/** The paid elective: a Moodle course with a fee, invoiced in ERPNext through its Item. */
export const demoPaidElective = {
  course: 'PHO150',
  item: { itemCode: 'ELEC-PHO150', itemName: 'Elective: Digital Photography', itemGroup: 'Services', stockUom: 'Nos' },
  priceList: 'Standard Selling',
  price: 250,
  currency: demoCompany.currency,
  /** Days from the invoice's posting date to its due date. */
  paymentTermDays: 30,
} as const;

/** Education's Grading Scale: the highest interval whose threshold ≤ the percentage gives the grade. */
export const demoGradingScale = {
  name: 'CBU Percentage',
  intervals: [
    { gradeCode: 'A', threshold: 70, description: 'First' },
    { gradeCode: 'B', threshold: 60, description: 'Upper second' },
    { gradeCode: 'C', threshold: 50, description: 'Lower second' },
    { gradeCode: 'D', threshold: 40, description: 'Third' },
    { gradeCode: 'F', threshold: 0, description: 'Fail' },
  ],
} as const;

/** Assessment Group under Education's root "All Assessment Groups". */
export const demoAssessmentGroup = 'Final Grade';
/** The one criterion a final course grade is recorded against. */
export const demoAssessmentCriteria = 'Course Total';

export interface DemoAssessmentPlan {
  /** Expected ERPNext name (series EDU-ASP-.YYYY.-.#####, in this order). */
  name: string;
  course: string;
  studentGroup: string;
  assessmentName: string;
  scheduleDate: string;
  fromTime: string;
  toTime: string;
  maximumScore: number;
}

export interface DemoStudentGroup {
  /** ERPNext Student Group name (autoname field:student_group_name). */
  name: string;
  basedOn: 'Batch' | 'Course';
  program: string;
  course?: string;
  /** Student names (EDU-STU-…), in roll-number order. */
  students: readonly string[];
}

export interface DemoMoodleAccount {
  /** Moodle username (lower case, as Moodle requires). */
  username: string;
  email: string;
  /** '' when the account was made by hand and never linked. */
  idnumber: string;
  firstname: string;
  lastname: string;
}

export interface DemoStudent {
  /** Expected ERPNext Student.name, in insertion order. */
  name: string;
  firstName: string;
  lastName: string;
  /**
   * Student.student_email_id. Education makes it mandatory and unique, so a student who gave no
   * address cannot be saved without one; registrars enter a unique placeholder instead. The demo
   * does the same on the reserved `.invalid` domain (RFC 2606): see `hasRealEmail`.
   */
  email: string;
  /** false for the placeholder address: nothing may be sent to it and it must not be pushed to Moodle. */
  hasRealEmail: boolean;
  mobile: string;
  gender: 'Female' | 'Male';
  dateOfBirth: string;
  address: { line1: string; city: string; pincode: string; country: string };
  program: string;
  /** Whether a submitted Program Enrollment exists (its Course Enrollments then exist too). */
  enrolled: boolean;
  /** Moodle account that already exists for this student before any sync (see `demoMoodleAccounts`). */
  moodle: 'linked' | 'none' | 'unlinked-same-email' | 'conflicting-idnumber' | 'two-accounts-email-case' | 'two-accounts-one-idnumber';
}

const firstNames = [
  'Amelia', 'Oliver', 'Isla', 'George', 'Ava', 'Noah', 'Mia', 'Arthur', 'Ivy', 'Leo',
  'Freya', 'Oscar', 'Lily', 'Harry', 'Sophia', 'Jack', 'Grace', 'Charlie', 'Ella', 'Thomas',
  'Aisha', 'Mohammed', 'Priya', 'Arjun', 'Chloe', 'Ethan', 'Zara', 'Samuel', 'Ruby', 'Daniel',
  'Hannah', 'Joseph', 'Evie', 'Lucas', 'Poppy', 'Henry', 'Florence', 'Alfie', 'Willow', 'Theo',
  'Sienna', 'Isaac', 'Matilda', 'Finley', 'Maya', 'Reuben', 'Nia', 'Kofi', 'Elif', 'Mateo',
] as const;

const lastNames = [
  'Smith', 'Jones', 'Williams', 'Taylor', 'Brown', 'Davies', 'Evans', 'Wilson', 'Thomas', 'Johnson',
  'Roberts', 'Walker', 'Wright', 'Robinson', 'Thompson', 'White', 'Hughes', 'Edwards', 'Green', 'Hall',
  'Khan', 'Ali', 'Patel', 'Sharma', 'Wood', 'Clarke', 'Hussain', 'Harris', 'Lewis', 'Martin',
  'Jackson', 'Clark', 'Turner', 'Hill', 'Scott', 'Cooper', 'Morris', 'Ward', 'Moore', 'King',
  'Watson', 'Baker', 'Harrison', 'Morgan', 'Patel', 'Young', 'Okafor', 'Mensah', 'Yilmaz', 'García',
] as const;

const streets = ['High Street', 'Station Road', 'Church Lane', 'Park Avenue', 'Mill Road', 'Victoria Street', 'Queens Road', 'Kings Way'];
const towns = [
  { city: 'Leeds', pincode: 'LS2 9JT' },
  { city: 'York', pincode: 'YO10 5DD' },
  { city: 'Sheffield', pincode: 'S10 2TN' },
  { city: 'Manchester', pincode: 'M13 9PL' },
  { city: 'Bradford', pincode: 'BD7 1DP' },
];

export const demoStudentCount = 50;
/** Index (0-based) of the student whose email is a placeholder. */
const placeholderEmailIndex = 49;
/** Students 1–10 were linked to Moodle accounts by an earlier manual export. */
const linkedMoodleCount = 10;
/** Hand-made Moodle account: same email as this student, empty idnumber. */
const unlinkedSameEmailIndex = 10;
/** Moodle account with this student's email whose idnumber is a former student's. */
const conflictingIdnumberIndex = 11;
/** New admits whose Program Enrollment is not yet submitted. */
const notEnrolledFrom = 45;
/*
 * Two more problems `campus-bridge doctor` audits, planted on new admits (not yet enrolled, so no
 * enrolment or grade in the demo depends on them): hand-made accounts whose emails differ only in
 * case, and two accounts carrying one Student's idnumber.
 */
const emailCaseIndex = 47;
const sharedIdnumberIndex = 48;

export const studentName = (index: number): string => `EDU-STU-2026-${String(index + 1).padStart(5, '0')}`;

const asciiLower = (text: string) => text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();

function buildStudent(index: number): DemoStudent {
  const firstName = firstNames[index];
  const lastName = lastNames[index];
  const name = studentName(index);
  const hasRealEmail = index !== placeholderEmailIndex;
  const moodle: DemoStudent['moodle'] =
    index < linkedMoodleCount ? 'linked'
    : index === unlinkedSameEmailIndex ? 'unlinked-same-email'
    : index === conflictingIdnumberIndex ? 'conflicting-idnumber'
    : index === emailCaseIndex ? 'two-accounts-email-case'
    : index === sharedIdnumberIndex ? 'two-accounts-one-idnumber'
    : 'none';
  const town = towns[index % towns.length];
  return {
    name,
    firstName,
    lastName,
    email: hasRealEmail ? `${asciiLower(firstName)}.${asciiLower(lastName)}${index + 1}@students.cbu.example` : `${name.toLowerCase()}@no-email.cbu.invalid`,
    hasRealEmail,
    // Ofcom's drama range 07700 900000–900999: never a real subscriber.
    mobile: `+44 7700 900${String(100 + index * 7).padStart(3, '0')}`,
    gender: index % 2 === 0 ? 'Female' : 'Male',
    dateOfBirth: `${2006 - (index % 4)}-${String((index % 12) + 1).padStart(2, '0')}-${String((index % 27) + 1).padStart(2, '0')}`,
    address: { line1: `${(index * 13) % 180 + 2} ${streets[index % streets.length]}`, city: town.city, pincode: town.pincode, country: demoCompany.country },
    program: demoPrograms[index % demoPrograms.length].name,
    enrolled: index < notEnrolledFrom,
    moodle,
  };
}

export const demoStudents: readonly DemoStudent[] = Array.from({ length: demoStudentCount }, (_, i) => buildStudent(i));

/** A former student's id, not among the seeded Students (ERPNext would hold them as an alumnus). */
export const demoFormerStudentIdnumber = 'EDU-STU-2025-00417';

/**
 * Moodle accounts that exist before any sync, in creation order (the Moodle sandbox gives them
 * ids after its admin and guest users). Usernames of linked accounts follow the default
 * `usernameStrategy: studentId` (the Student name, lower-cased).
 */
export const demoMoodleAccounts: readonly DemoMoodleAccount[] = demoStudents.flatMap((s): DemoMoodleAccount[] => {
  const base = { email: s.email, firstname: s.firstName, lastname: s.lastName };
  switch (s.moodle) {
    case 'linked':
      return [{ ...base, username: s.name.toLowerCase(), idnumber: s.name }];
    case 'unlinked-same-email':
      return [{ ...base, username: asciiLower(`${s.firstName[0]}${s.lastName}`), idnumber: '' }];
    case 'conflicting-idnumber':
      return [{ ...base, username: asciiLower(`${s.firstName}.${s.lastName}`), idnumber: demoFormerStudentIdnumber }];
    case 'two-accounts-email-case': {
      // Made before Moodle's (case-insensitive) duplicate check, e.g. by a CSV upload with allowaccountssameemail on.
      const [local, domain] = s.email.split('@');
      const capitalised = `${local[0].toUpperCase()}${local.slice(1)}@${domain}`;
      return [
        { ...base, username: asciiLower(`${s.firstName}${s.lastName}`), idnumber: '' },
        { ...base, email: capitalised, username: asciiLower(`${s.firstName[0]}.${s.lastName}`), idnumber: '' },
      ];
    }
    case 'two-accounts-one-idnumber':
      return [
        { ...base, username: s.name.toLowerCase(), idnumber: s.name },
        { ...base, email: `${asciiLower(s.firstName)}.${asciiLower(s.lastName)}@old-school.example`, username: `${s.name.toLowerCase()}-old`, idnumber: s.name },
      ];
    case 'none':
      return [];
  }
});

/**
 * A course both systems have under different names, the naming audit's planted case: ERPNext
 * Course `ENG101` (in no program) and a Moodle course made by hand as 'English 101' without an
 * idnumber, so nothing matches them.
 */
export const demoDifferentlyNamedCourse = {
  erpnext: { code: 'ENG101', title: 'Academic English' },
  moodle: { fullname: 'English 101', shortname: 'English 101', category: 'Electives' },
} as const;

/** What `campus-bridge doctor` finds in the demo data, one of each kind it audits (test/operations checks each). */
export const demoPlantedProblems = {
  noDeliverableEmail: studentName(placeholderEmailIndex),
  accountWithoutIdnumber: studentName(unlinkedSameEmailIndex),
  accountWithOtherIdnumber: studentName(conflictingIdnumberIndex),
  emailsDifferingInCase: studentName(emailCaseIndex),
  idnumberOnTwoAccounts: studentName(sharedIdnumberIndex),
  courseNaming: demoDifferentlyNamedCourse.erpnext.code,
} as const;

/**
 * Moodle enrolments that exist before any sync: linked students who are enrolled in ERPNext are
 * already in their program's Moodle courses (student role).
 */
export const demoMoodleEnrolments: readonly { username: string; course: string }[] = demoStudents
  .filter((s) => s.moodle === 'linked' && s.enrolled)
  .flatMap((s) =>
    programOf(s.program)
      .courses.filter((code) => courseOf(code).moodle)
      .map((course) => ({ username: s.name.toLowerCase(), course })),
  );

export function courseOf(code: string): DemoCourse {
  const course = demoCourses.find((c) => c.code === code);
  if (!course) throw new Error(`unknown demo course ${code}`);
  return course;
}

export function programOf(name: string): DemoProgram {
  const program = demoPrograms.find((p) => p.name === name);
  if (!program) throw new Error(`unknown demo program ${name}`);
  return program;
}

const enrolledIn = (program: string) => demoStudents.filter((s) => s.enrolled && s.program === program).map((s) => s.name);

/** One Batch group per program and one Course group per program course, for the enrolled students. */
export const demoStudentGroups: readonly DemoStudentGroup[] = demoPrograms.flatMap((p): DemoStudentGroup[] => [
  { name: `${p.abbreviation} ${demoAcademicYear.name}`, basedOn: 'Batch', program: p.name, students: enrolledIn(p.name) },
  ...p.courses.map((course): DemoStudentGroup => ({ name: `${course} ${demoAcademicYear.name}`, basedOn: 'Course', program: p.name, course, students: enrolledIn(p.name) })),
]);

/**
 * A term's teachers (roster provisioning): one per program, on that program's course groups. The
 * Instructor is named by Full Name (Education Settings); the e-mail is the `custom_email` Custom
 * Field the demo adds (Education's Instructor has none), which `roster.teachers.emailField` names.
 */
export const demoInstructors: readonly { name: string; email: string; program: string }[] = [
  { name: 'Grace Hopper', email: 'grace.hopper@staff.cbu.example.edu', program: 'BSc Computer Science' },
  { name: 'Mary Parker Follett', email: 'mary.follett@staff.cbu.example.edu', program: 'BA Business' },
  { name: 'Florence Nightingale', email: 'florence.nightingale@staff.cbu.example.edu', program: 'BSc Nursing' },
];

/** The demo instructor of a course group (its program's), none for a batch group. */
export function demoInstructorOf(group: DemoStudentGroup): string | undefined {
  return group.basedOn === 'Course' ? demoInstructors.find((i) => i.program === group.program)?.name : undefined;
}

/** One final-grade Assessment Plan per program course, against that course's group. */
export const demoAssessmentPlans: readonly DemoAssessmentPlan[] = demoPrograms
  .flatMap((p) => p.courses)
  .map((course, i) => ({
    name: `EDU-ASP-2026-${String(i + 1).padStart(5, '0')}`,
    course,
    studentGroup: `${course} ${demoAcademicYear.name}`,
    assessmentName: `${course} final grade`,
    scheduleDate: '2027-01-15',
    // Distinct slots so Education's overlap check between plans never fires.
    fromTime: `${String(8 + (i % 10)).padStart(2, '0')}:00:00`,
    toTime: `${String(9 + (i % 10)).padStart(2, '0')}:00:00`,
    maximumScore: 100,
  }));

/** Expected Program Enrollment names (series EDU-ENR-.YYYY.-.#####), in student order. */
export const demoProgramEnrollments: readonly { name: string; student: string; program: string }[] = demoStudents
  .filter((s) => s.enrolled)
  .map((s, i) => ({ name: `EDU-ENR-2026-${String(i + 1).padStart(5, '0')}`, student: s.name, program: s.program }));
