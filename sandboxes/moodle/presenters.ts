import type { FunctionContext } from './functions/function';
import type { CourseRecord, UserRecord } from './state';
import { formatString } from './categories';

/** Theme revision in image URLs; Moodle bumps it on cache purge. */
const themerev = 1795562008;

export const userPictureUrl = (siteUrl: string, size: 'f1' | 'f2') => `${siteUrl}/theme/image.php/boost/core/${themerev}/u/${size}`;

export const fullname = (user: Pick<UserRecord, 'firstname' | 'lastname'>) => `${user.firstname} ${user.lastname}`;

/**
 * `user_get_user_details` as the captured role sees it: empty optional profile fields are left
 * out, phones and address are not shown (not identity fields on the site), firstname/lastname
 * need `moodle/site:viewfullnames` (capture 049).
 */
export function userDetails(user: UserRecord, context: FunctionContext): Record<string, unknown> {
  const viewFullnames = context.hasCapability('moodle/site:viewfullnames');
  const details: Record<string, unknown> = { id: user.id, username: user.username };
  if (viewFullnames) Object.assign(details, { firstname: user.firstname, lastname: user.lastname });
  details.fullname = fullname(user);
  details.email = user.email;
  details.department = user.department;
  if (user.institution) details.institution = user.institution;
  if (user.idnumber) details.idnumber = user.idnumber;
  Object.assign(details, {
    firstaccess: user.firstaccess,
    lastaccess: user.lastaccess,
    auth: user.auth,
    suspended: user.suspended,
    confirmed: user.confirmed,
    lang: user.lang,
    theme: user.theme,
    timezone: user.timezone,
    mailformat: user.mailformat,
  });
  if (user.description) Object.assign(details, { description: user.description, descriptionformat: 1 });
  if (user.city) details.city = user.city;
  if (user.country) details.country = user.country;
  details.profileimageurlsmall = userPictureUrl(context.siteUrl, 'f2');
  details.profileimageurl = userPictureUrl(context.siteUrl, 'f1');
  const custom = [...context.state.profileFields].filter(([shortname]) => user.customfields[shortname]);
  if (custom.length > 0) {
    details.customfields = custom.map(([shortname, field]) => ({ type: field.datatype, value: user.customfields[shortname], displayvalue: user.customfields[shortname], name: field.name, shortname }));
  }
  return details;
}

const filters = ['displayh5p', 'activitynames', 'mathjaxloader', 'emoticon', 'urltolink', 'mediaplugin'].map((filter) => ({ filter, localstate: 0, inheritedstate: 1 }));

/** One item of `core_course_get_courses_by_field`. */
export function courseDetails(course: CourseRecord, context: FunctionContext): Record<string, unknown> {
  const isSite = course.format === 'site';
  const methods = context.state.enrolInstances
    .filter((instance) => instance.courseid === course.id && instance.status === 0)
    .map((instance) => instance.enrol);
  const details: Record<string, unknown> = {
    id: course.id,
    fullname: course.fullname,
    displayname: course.fullname,
    shortname: course.shortname,
    categoryid: course.category,
    categoryname: formatString(context.state.categories.get(course.category)?.name ?? ''),
    sortorder: course.sortorder,
    summary: course.summary,
    summaryformat: 1,
    summaryfiles: [],
    overviewfiles: [],
    showactivitydates: false,
    // Stored only when the course was created with completion on (291: null for a course without).
    showcompletionconditions: isSite || course.enablecompletion !== 1 ? null : true,
    contacts: [],
    enrollmentmethods: methods,
    idnumber: course.idnumber,
    format: course.format,
    showgrades: course.showgrades,
    newsitems: course.newsitems,
    startdate: course.startdate,
    enddate: course.enddate,
    maxbytes: 0,
    showreports: 0,
    visible: course.visible,
    groupmode: 0,
    groupmodeforce: 0,
    defaultgroupingid: 0,
    enablecompletion: course.enablecompletion,
    completionnotify: 0,
    lang: '',
    theme: '',
    marker: 0,
    legacyfiles: 0,
    calendartype: '',
    timecreated: course.timecreated,
    timemodified: course.timemodified,
    requested: 0,
    cacherev: course.cacherev,
    filters,
  };
  if (!isSite) {
    details.courseformatoptions = [
      { name: 'hiddensections', value: 1 },
      { name: 'coursedisplay', value: 0 },
      // The weeks format's own option (captures 168, 189).
      ...(course.format === 'weeks' ? [{ name: 'automaticenddate', value: 1 }] : []),
      { name: 'indentation', value: '1' },
    ];
  }
  return details;
}
