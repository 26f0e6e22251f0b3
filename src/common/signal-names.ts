/**
 * Names of signals that code outside workflows/ sends by name (code that may not import the
 * workflow's own definitions): the workflow defines its signal with the same constant.
 */
export const signalNames = {
  /** A Student was saved in ERPNext: the profile workflow syncs once changes settle. */
  studentChanged: 'studentChanged',
  /** What Moodle now holds for a Student, and the fingerprint of the ERPNext fields it came from. */
  moodleBaseline: 'moodleBaseline',
} as const;
