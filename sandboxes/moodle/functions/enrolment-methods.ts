import { z } from 'zod';
import { codingError, invalidRecord } from '../exceptions';
import { value } from '../parameters';
import { costAsString, gatewayDetails } from '../payments';
import { findCourse } from './courses';
import type { WsFunction } from './function';

/**
 * Instances a visitor could use: only plugins with `get_enrol_info()` (self, guest), and only
 * enabled ones. Fee instances are never listed (300), manual ones neither (301). The entries
 * themselves come from enrol/self and enrol/guest lib.php (source; the captures only show `[]`).
 */
export const getCourseEnrolmentMethods: WsFunction = {
  name: 'core_enrol_get_course_enrolment_methods',
  version: '2022112811',
  parameters: { courseid: value('int') },
  execute(args, context) {
    const { courseid } = z.object({ courseid: z.number() }).parse(args);
    const { state } = context;
    const course = findCourse(state, courseid);
    // The course context hangs under its category; a course moved to a missing category fails here (288, 289).
    if (!state.categories.has(course.category)) throw invalidRecord('course_categories', 'SELECT * FROM {course_categories} WHERE id = ?', [course.category]);
    return state.enrolInstances
      .filter((instance) => instance.courseid === courseid && instance.status === 0 && (instance.enrol === 'self' || instance.enrol === 'guest'))
      .map((instance) => ({
        id: instance.id,
        courseid,
        type: instance.enrol,
        name: instance.enrol === 'self' ? 'Self enrolment (Student)' : 'Guest access',
        status: true,
        wsfunction: `enrol_${instance.enrol}_get_instance_info`,
      }));
  },
};

/** `core_payment_get_available_gateways` for enrol_fee, the only payment provider the sandbox models (292-294). */
export const getAvailableGateways: WsFunction = {
  name: 'core_payment_get_available_gateways',
  version: '2022112811',
  parameters: { component: value('alphanumext'), paymentarea: value('alphanumext'), itemid: value('int') },
  execute(args, context) {
    const { component, itemid } = z.object({ component: z.string(), paymentarea: z.string(), itemid: z.number() }).parse(args);
    const { state } = context;
    if (component !== 'enrol_fee') throw codingError(`${component} does not have an eligible implementation of payment service_provider.`);
    const instance = state.enrolInstances.find((candidate) => candidate.id === itemid && candidate.enrol === 'fee');
    if (!instance) throw invalidRecord('enrol', "SELECT * FROM {enrol} WHERE enrol = ? AND id = ?", ['fee', itemid]);
    const account = state.paymentAccounts.find((candidate) => candidate.id === instance.customint1);
    const cost = Number(instance.cost ?? 0);
    return (account?.gateways ?? []).map((gateway) => ({
      shortname: gateway.shortname,
      ...gatewayDetails[gateway.shortname],
      surcharge: gateway.surcharge,
      cost: costAsString(cost * (1 + gateway.surcharge / 100), instance.currency ?? ''),
    }));
  },
};
