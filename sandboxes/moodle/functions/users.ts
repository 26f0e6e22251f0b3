import { z } from 'zod';
import { codingError, invalidParameter, moodleException } from '../exceptions';
import { multiple, optional, single, value, withDefault } from '../parameters';
import { userDetails } from '../presenters';
import { newUser, transaction, type UserRecord } from '../state';
import { requireCapability, type FunctionContext, type WsFunction } from './function';
import { moodleEvent } from '../events';

const lookupFieldTypes: Record<string, (raw: string) => string> = {
  id: (raw) => String(Number.parseInt(raw, 10) || 0),
  idnumber: (raw) => raw,
  username: (raw) => raw.trim().toLowerCase().replace(/[^-.@_a-z0-9]/g, ''),
  email: (raw) => raw.trim(),
};

/** Caller's own record also carries its preferences, as user_get_user_details does for `$USER`. */
function present(user: UserRecord, context: FunctionContext) {
  const details = userDetails(user, context);
  if (user.id === context.caller.id) {
    details.preferences = [
      ...Object.entries(user.preferences).map(([name, preference]) => ({ name, value: preference })),
      { name: '_lastloaded', value: context.state.now() },
    ];
  }
  return details;
}

export const getUsersByField: WsFunction = {
  name: 'core_user_get_users_by_field',
  version: '2022112810',
  parameters: { field: value('alpha'), values: multiple(value('raw')) },
  execute(args, context) {
    const { field, values } = z.object({ field: z.string(), values: z.array(z.string()) }).parse(args);
    const clean = lookupFieldTypes[field];
    if (!clean) throw codingError('invalid field parameter', `The search field '${field}' is not supported, look at the web service documentation`);
    for (const raw of values) {
      const cleaned = clean(raw);
      if (cleaned !== raw) throw invalidParameter(`The field '${field}' value is invalid: ${raw}(cleaned value: ${cleaned})`);
    }
    const wanted = new Set(values);
    // Exact, case-sensitive match like PostgreSQL's `IN`; no deleted filter.
    return context.state.users
      .filter((user) => wanted.has(String(user[field as 'id' | 'idnumber' | 'username' | 'email'])))
      .sort((a, b) => a.id - b.id)
      .map((user) => present(user, context));
  },
};

const likeToRegExp = (pattern: string) =>
  new RegExp(`^${pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%/g, '.*').replace(/_/g, '.')}$`, 'i');

const criteriaMatchers: Record<string, (user: UserRecord, wanted: string) => boolean> = {
  id: (user, wanted) => String(user.id) === wanted,
  idnumber: (user, wanted) => user.idnumber === wanted,
  username: (user, wanted) => user.username === wanted,
  auth: (user, wanted) => user.auth === wanted,
  email: (user, wanted) => likeToRegExp(wanted).test(user.email),
  firstname: (user, wanted) => likeToRegExp(wanted).test(user.firstname),
  lastname: (user, wanted) => likeToRegExp(wanted).test(user.lastname),
};

export const getUsers: WsFunction = {
  name: 'core_user_get_users',
  version: '2022112810',
  parameters: { criteria: multiple(single({ key: value('alpha'), value: value('raw') })) },
  execute(args, context) {
    const { criteria } = z.object({ criteria: z.array(z.object({ key: z.string(), value: z.string() })) }).parse(args);
    const warnings: { item: string; warningcode: string; message: string }[] = [];
    const applied = new Map<string, string>();
    for (const criterion of criteria) {
      if (applied.has(criterion.key)) throw moodleException('keyalreadyset', 'error/keyalreadyset', `The key ${criterion.key} can only be sent once`);
      if (!criteriaMatchers[criterion.key]) {
        warnings.push({ item: criterion.key, warningcode: 'invalidfieldparameter', message: `The search key '${criterion.key}' is not supported, look at the web service documentation` });
        continue;
      }
      applied.set(criterion.key, criterion.value);
    }
    const users = context.state.users
      .filter((user) => !user.deleted && [...applied].every(([key, wanted]) => criteriaMatchers[key](user, wanted)))
      .sort((a, b) => a.id - b.id)
      .map((user) => present(user, context));
    return { users, warnings };
  },
};

const userFields = {
  createpassword: value('bool', optional),
  username: value('username'),
  auth: value('plugin', withDefault('manual')),
  password: value('raw', optional),
  firstname: value('notags'),
  lastname: value('notags'),
  email: value('rawtrimmed'),
  maildisplay: value('int', optional),
  city: value('notags', optional),
  country: value('alpha', optional),
  timezone: value('raw', optional),
  description: value('raw', optional),
  firstnamephonetic: value('notags', optional),
  lastnamephonetic: value('notags', optional),
  middlename: value('notags', optional),
  alternatename: value('notags', optional),
  interests: value('text', optional),
  idnumber: value('raw', withDefault('')),
  institution: value('text', optional),
  department: value('text', optional),
  phone1: value('notags', optional),
  phone2: value('notags', optional),
  address: value('text', optional),
  lang: value('safedir', withDefault('en')),
  calendartype: value('plugin', withDefault('gregorian')),
  theme: value('plugin', optional),
  mailformat: value('int', optional),
  customfields: multiple(single({ type: value('alphanumext'), value: value('raw') }), optional),
  preferences: multiple(single({ type: value('raw'), value: value('raw') }), optional),
};

const keyValueList = z.array(z.object({ type: z.string(), value: z.string() })).optional();
const profileSchema = z.object({
  auth: z.string().optional(),
  password: z.string().optional(),
  firstname: z.string().optional(),
  lastname: z.string().optional(),
  email: z.string().optional(),
  idnumber: z.string().optional(),
  city: z.string().optional(),
  country: z.string().optional(),
  timezone: z.string().optional(),
  description: z.string().optional(),
  institution: z.string().optional(),
  department: z.string().optional(),
  phone1: z.string().optional(),
  phone2: z.string().optional(),
  address: z.string().optional(),
  lang: z.string().optional(),
  theme: z.string().optional(),
  mailformat: z.number().optional(),
  customfields: keyValueList,
  preferences: keyValueList,
});
const newUserSchema = profileSchema.extend({ username: z.string(), createpassword: z.boolean().optional(), firstname: z.string(), lastname: z.string(), email: z.string() });
const updateSchema = profileSchema.extend({ id: z.number(), username: z.string().optional(), suspended: z.boolean().optional() });

/** Simplified PHPMailer validation: one @, no spaces or angle brackets, a dotted or local domain. */
const validEmail = (email: string) => /^[^\s@<>]+@[^\s@<>]+$/.test(email);

const passwordRules: [RegExp | ((password: string) => boolean), string][] = [
  [(password) => password.length >= 8, '<div>Passwords must be at least 8 characters long.</div>'],
  [/\d/, '<div>Passwords must have at least 1 digit(s).</div>'],
  [/[a-z]/, '<div>Passwords must have at least 1 lower case letter(s).</div>'],
  [/[A-Z]/, '<div>Passwords must have at least 1 upper case letter(s).</div>'],
  [/[^a-zA-Z0-9]/, '<div>The password must have at least 1 special character(s) such as *, -, or #.</div>'],
];

/** Moodle's default password policy; its HTML text becomes the errorcode (capture 024). */
function checkPasswordPolicy(password: string) {
  const errors = passwordRules.filter(([rule]) => (typeof rule === 'function' ? !rule(password) : !rule.test(password))).map(([, text]) => text).join('');
  if (errors) throw moodleException(errors, `error/${errors}`);
}

/** Auth plugins of a default 4.1 install (enabled or not) that create_users accepts. */
const installedAuths = new Set(['manual', 'nologin', 'email', 'ldap', 'oauth2', 'shibboleth', 'cas', 'db', 'lti', 'none']);
const internalAuths = new Set(['manual', 'email', 'none']);

const emailTaken = (users: UserRecord[], email: string, exceptId?: number) =>
  users.some((user) => !user.deleted && user.id !== exceptId && user.email.toLowerCase() === email.toLowerCase());

function applyProfile(user: UserRecord, profile: z.infer<typeof profileSchema>, context: FunctionContext) {
  const { customfields, preferences, password, ...plain } = profile;
  for (const [key, field] of Object.entries(plain)) if (field !== undefined) Object.assign(user, { [key]: field });
  if (password !== undefined) user.hasPassword = true;
  for (const field of customfields ?? []) if (context.state.profileFields.has(field.type)) user.customfields[field.type] = field.value;
  for (const preference of preferences ?? []) user.preferences[preference.type] = preference.value;
}

export const createUsers: WsFunction = {
  name: 'core_user_create_users',
  version: '2022112810',
  parameters: { users: multiple(single(userFields)) },
  execute(args, context) {
    requireCapability(context, 'moodle/user:create', 'Create users');
    const { users } = z.object({ users: z.array(newUserSchema) }).parse(args);
    const { state } = context;
    return transaction(state, () =>
      users.map((input) => {
        for (const field of ['username', 'firstname', 'lastname'] as const) {
          if (input[field].trim() === '') throw invalidParameter(`The field ${field} cannot be blank`);
        }
        if (state.users.some((user) => user.username === input.username)) throw invalidParameter(`Username already exists: ${input.username}`);
        const auth = input.auth ?? 'manual';
        if (!installedAuths.has(auth)) throw invalidParameter(`Invalid authentication type: ${auth}`);
        if (internalAuths.has(auth) && !input.createpassword && !input.password) {
          throw invalidParameter('Invalid password: you must provide a password, or set createpassword.');
        }
        if (!validEmail(input.email)) throw invalidParameter(`Email address is invalid: ${input.email}`);
        if (!state.settings.allowaccountssameemail && emailTaken(state.users, input.email)) throw invalidParameter(`Email address already exists: ${input.email}`);
        if (input.password !== undefined && !input.createpassword) checkPasswordPolicy(input.password);
        const user = newUser(state, { username: input.username, firstname: input.firstname, lastname: input.lastname, email: input.email });
        state.users.push(user);
        applyProfile(user, { ...input, password: undefined }, context);
        user.hasPassword = input.password !== undefined || input.createpassword === true;
        if (input.createpassword) {
          // setnew_password_and_mail: sent inside the request and never rolled back.
          user.forcePasswordChange = true;
          state.mail.push({ to: user.email, userid: user.id, subject: `${state.settings.sitename}: New user account`, kind: 'newuser', time: state.now() });
        }
        // Raised inside the batch's transaction: local_webhooks delivers it even when a later entry rolls the batch back (312/313).
        context.emit(moodleEvent(state, { eventname: '\\core\\event\\user_created', action: 'created', target: 'user', objecttable: 'user', objectid: user.id, crud: 'c', context: { level: 'user', instanceid: user.id }, actorid: context.caller.id, courseid: 0, relateduserid: user.id, other: null }));
        return { id: user.id, username: user.username };
      }),
    );
  },
};

export const updateUsers: WsFunction = {
  name: 'core_user_update_users',
  version: '2022112810',
  parameters: {
    users: multiple(single({ id: value('int'), ...Object.fromEntries(Object.entries(userFields).map(([key, field]) => [key, { ...field, required: false, default: undefined }])), suspended: value('bool', optional), userpicture: value('int', optional) })),
  },
  execute(args, context) {
    requireCapability(context, 'moodle/user:update', 'Update user profile');
    const { users } = z.object({ users: z.array(updateSchema) }).parse(args);
    const { state } = context;
    const warnings: { item: string; itemid: number; warningcode: string; message: string }[] = [];
    for (const input of users) {
      const user = state.users.find((candidate) => candidate.id === input.id && !candidate.deleted);
      if (!user) {
        warnings.push({ item: 'user', itemid: input.id, warningcode: 'invaliduserid', message: 'Invalid user ID' });
        continue;
      }
      if (input.email !== undefined && input.email !== user.email && !state.settings.allowaccountssameemail && emailTaken(state.users, input.email, user.id)) {
        warnings.push({ item: 'user', itemid: input.id, warningcode: 'useremailduplicate', message: 'Duplicate address' });
        continue;
      }
      if (input.username !== undefined && state.users.some((other) => other.id !== user.id && other.username === input.username)) {
        warnings.push({ item: 'user', itemid: input.id, warningcode: 'dmlwriteexception', message: 'Error writing to database' });
        continue;
      }
      applyProfile(user, input, context);
      if (input.username !== undefined) user.username = input.username;
      if (input.suspended !== undefined) user.suspended = input.suspended;
      context.emit(moodleEvent(state, { eventname: '\\core\\event\\user_updated', action: 'updated', target: 'user', objecttable: 'user', objectid: user.id, crud: 'u', context: { level: 'user', instanceid: user.id }, actorid: context.caller.id, courseid: 0, relateduserid: user.id, other: null }));
    }
    return { warnings };
  },
};
