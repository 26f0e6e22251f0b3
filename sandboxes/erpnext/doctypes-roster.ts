import { f, type DocTypeMeta } from './meta';

/**
 * The Education DocTypes of a term's roster besides Student Group itself: Instructor, the Student
 * Group's instructors table, Course Schedule and its Room, Guardian. Fields and naming as the real
 * captures show them (179–203, 224, 225) and, for what they leave open, education's DocType JSON
 * (education/education/doctype/<name>/<name>.json, v15).
 */
export const rosterDoctypes: readonly DocTypeMeta[] = [
  { name: 'Instructor Log', module: 'Education', istable: true, autoname: 'hash', fields: [f.link('academic_year', 'Academic Year', 'Academic Year', { reqd: true }), f.link('academic_term', 'Academic Term', 'Academic Term'), f.link('department', 'Department', 'Department'), f.link('program', 'Program', 'Program', { reqd: true }), f.link('course', 'Course', 'Course'), f.link('student_group', 'Student Group', 'Student Group'), f.text('other_details', 'Other details')] },
  {
    name: 'Instructor',
    module: 'Education',
    // Education Settings `instructor_created_by`: the captured site names by Full Name (179, 180); see controllers-roster.
    autoname: 'controller',
    fields: [
      f.data('instructor_name', 'Instructor Name', { reqd: true }),
      f.link('employee', 'Employee', 'Employee'),
      f.link('gender', 'Gender', 'Gender'),
      f.select('status', 'Status', ['Active', 'Left'], { default: 'Active' }),
      f.select('naming_series', 'Naming Series', ['EDU-INS-.YYYY.-'], { default: 'EDU-INS-.YYYY.-' }),
      f.link('department', 'Department', 'Department'),
      f.data('image', 'Image'),
      f.table('instructor_log', 'Instructor Log', 'Instructor Log'),
    ],
  },
  {
    name: 'Student Group Instructor',
    module: 'Education',
    istable: true,
    autoname: 'hash',
    // instructor_name is fetched, so an unknown instructor is accepted (191): the fetch_from rule of link validation.
    fields: [f.link('instructor', 'Instructor', 'Instructor', { reqd: true }), f.data('instructor_name', 'Instructor Name', { fetchFrom: 'instructor.instructor_name', readOnly: true })],
  },
  {
    name: 'Room',
    module: 'Education',
    autoname: 'series:HTL-ROOM-.YYYY.-.#####',
    fields: [f.data('room_name', 'Room Name', { reqd: true }), f.data('room_number', 'Room Number'), f.int('seating_capacity', 'Seating Capacity')],
  },
  {
    name: 'Course Schedule',
    module: 'Education',
    autoname: 'series:EDU-CSH-.YYYY.-.#####',
    fields: [
      f.link('student_group', 'Student Group', 'Student Group', { reqd: true }),
      f.link('instructor', 'Instructor', 'Instructor', { reqd: true }),
      f.data('instructor_name', 'Instructor Name', { fetchFrom: 'instructor.instructor_name', readOnly: true }),
      f.select('naming_series', 'Naming Series', ['EDU-CSH-.YYYY.-'], { default: 'EDU-CSH-.YYYY.-' }),
      f.link('program', 'Program', 'Program', { fetchFrom: 'student_group.program', readOnly: true }),
      f.link('course', 'Course', 'Course', { reqd: true }),
      f.data('color', 'Color'),
      f.select('class_schedule_color', 'Schedule Color', ['blue', 'green', 'orange', 'yellow', 'purple', 'pink', 'olive'], { default: 'blue' }),
      f.date('schedule_date', 'Schedule Date', { reqd: true, default: 'Today' }),
      f.link('room', 'Room', 'Room', { reqd: true }),
      f.time('from_time', 'From Time', { reqd: true }),
      f.time('to_time', 'To Time', { reqd: true }),
      f.data('title', 'Title'),
    ],
  },
  { name: 'Guardian Student', module: 'Education', istable: true, autoname: 'hash', fields: [f.link('student', 'Student', 'Student', { reqd: true }), f.data('student_name', 'Student Name', { fetchFrom: 'student.student_name', readOnly: true })] },
  { name: 'Guardian Interest', module: 'Education', istable: true, autoname: 'hash', fields: [f.link('interest', 'Interest', 'Interest')] },
  {
    name: 'Guardian',
    module: 'Education',
    // No naming_series field in the body (224): the series is the DocType's autoname.
    autoname: 'series:EDU-GRD-.YYYY.-.#####',
    fields: [
      f.data('guardian_name', 'Guardian Name', { reqd: true }),
      f.data('email_address', 'Email Address'),
      f.data('mobile_number', 'Mobile Number'),
      f.data('alternate_number', 'Alternate Number'),
      f.date('date_of_birth', 'Date of Birth'),
      f.link('user', 'User ID', 'User'),
      f.data('education', 'Education'),
      f.data('occupation', 'Occupation'),
      f.data('designation', 'Designation'),
      f.text('work_address', 'Work Address'),
      f.data('image', 'Image'),
      f.table('students', 'Students', 'Guardian Student'),
      f.table('interests', 'Interests', 'Guardian Interest'),
    ],
  },
];
