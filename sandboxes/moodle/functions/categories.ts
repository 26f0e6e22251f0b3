import { z } from 'zod';
import { addCategory, categoryPath, categorySortorder, checkCategoryIdnumber, descendantsOf, formatString, requireCategory, type CategoryRecord } from '../categories';
import { moodleException } from '../exceptions';
import { multiple, optional, single, value, withDefault } from '../parameters';
import { transaction, type MoodleState } from '../state';
import { requireCapability, type FunctionContext, type WsFunction } from './function';

/**
 * `core_course_create_categories`, `_get_categories`, `_update_categories` (course/externallib.php).
 * Captures 141–163 show the errors and fields; the criteria other than id/idnumber/parent, the
 * name checks and the hidden-category rules follow Moodle 4.1's source.
 */

const manageCategories = (context: FunctionContext) => requireCapability(context, 'moodle/category:manage', 'Manage categories');

/** Formats `external_validate_format` accepts: MOODLE, HTML, PLAIN, MARKDOWN (from source). */
function validateFormat(format: number) {
  if (![0, 1, 2, 4].includes(format)) throw moodleException('formatnotsupported', 'webservice/formatnotsupported', `The format with value=${format} is not supported by this Moodle site`);
}

export const createCategories: WsFunction = {
  name: 'core_course_create_categories',
  version: '2022112810',
  parameters: {
    categories: multiple(
      single({
        name: value('text'),
        parent: value('int', withDefault(0)),
        idnumber: value('raw', optional),
        description: value('raw', optional),
        descriptionformat: value('int', withDefault(1)),
        theme: value('plugin', optional),
      }),
    ),
  },
  execute(args, context) {
    const { categories } = z
      .object({ categories: z.array(z.object({ name: z.string(), parent: z.number(), idnumber: z.string().optional(), description: z.string().optional(), descriptionformat: z.number() })) })
      .parse(args);
    const { state } = context;
    // One delegated transaction: a bad entry undoes the earlier ones but their ids stay used (146/147).
    return transaction(state, () =>
      categories.map((input) => {
        if (input.parent && !state.categories.has(input.parent)) throw moodleException('unknowcategory', 'Category not known!');
        manageCategories(context);
        validateFormat(input.descriptionformat);
        const category = addCategory(state, input);
        return { id: category.id, name: formatString(category.name) };
      }),
    );
  },
};

/** One record as `get_categories` returns it; the manage-only fields go without the capability (163). */
function categoryInfo(state: MoodleState, category: CategoryRecord, canManage: boolean) {
  const path = categoryPath(state, category.id);
  const info: Record<string, unknown> = { id: category.id, name: formatString(category.name) };
  if (canManage) info.idnumber = category.idnumber;
  Object.assign(info, {
    description: category.description,
    descriptionformat: category.descriptionformat,
    parent: category.parent,
    sortorder: categorySortorder(state, category.id),
    coursecount: state.courses.filter((course) => course.category === category.id).length,
  });
  if (canManage) Object.assign(info, { visible: category.visible, visibleold: category.visibleold, timemodified: category.timemodified });
  Object.assign(info, { depth: path.length, path: `/${path.join('/')}` });
  if (canManage) info.theme = category.theme;
  return info;
}

type Criterion = (category: CategoryRecord) => boolean;

/** The criteria switch of `get_categories`; a key it does not know, or one it may not use, is `criteriaerror`. */
function criterion(key: string, wanted: string, context: FunctionContext): Criterion {
  const refuse = (debuginfo: string) => moodleException('criteriaerror', 'Missing permissions to search on a criterion.', debuginfo);
  switch (key) {
    case 'id':
      return (category) => category.id === (Number.parseInt(wanted, 10) || 0);
    case 'ids': {
      const ids = wanted.split(',').map((id) => Number.parseInt(id, 10));
      return (category) => ids.includes(category.id);
    }
    case 'idnumber':
      if (!context.hasCapability('moodle/category:manage')) throw refuse('You don\'t have the permissions to search on the "idnumber" field.');
      return (category) => category.idnumber === wanted;
    case 'name':
      return (category) => category.name === wanted;
    case 'parent':
      return (category) => category.parent === (Number.parseInt(wanted, 10) || 0);
    case 'visible':
      if (!context.hasCapability('moodle/category:viewhiddencategories')) throw refuse('You don\'t have the permissions to search on the "visible" field.');
      return (category) => category.visible === (Number.parseInt(wanted, 10) || 0);
    case 'theme':
      if (!context.hasCapability('moodle/category:manage')) throw refuse('You don\'t have the permissions to search on the "theme" field.');
      return (category) => category.theme === wanted;
    default:
      throw refuse(`You can not search on this criteria: ${key}`);
  }
}

export const getCategories: WsFunction = {
  name: 'core_course_get_categories',
  version: '2022112810',
  parameters: {
    criteria: multiple(single({ key: value('alpha'), value: value('raw') }), { required: false }),
    addsubcategories: value('bool', withDefault(true)),
  },
  execute(args, context) {
    const { criteria = [], addsubcategories } = z.object({ criteria: z.array(z.object({ key: z.string(), value: z.string() })).optional(), addsubcategories: z.boolean() }).parse(args);
    const { state } = context;
    const all = [...state.categories.values()];
    let selected = all;
    if (criteria.length > 0) {
      // The first criterion for a key wins, as Moodle skips keys it has already seen.
      const seen = new Map<string, Criterion>();
      for (const entry of criteria) {
        const key = entry.key.trim();
        if (!seen.has(key)) seen.set(key, criterion(key, entry.value, context));
      }
      const tests = [...seen.values()];
      selected = all.filter((category) => tests.every((test) => test(category)));
      // addsubcategories defaults to 1: every descendant of a match comes too (151, 155).
      if (addsubcategories) {
        const ids = new Set(selected.map((category) => category.id));
        for (const match of [...selected]) for (const sub of descendantsOf(state, match.id)) if (!ids.has(sub.id)) ids.add(sub.id);
        selected = all.filter((category) => ids.has(category.id));
      }
    }
    const canManage = context.hasCapability('moodle/category:manage');
    // From source: hidden categories (or those under a hidden one) need viewhiddencategories.
    const canSeeHidden = context.hasCapability('moodle/category:viewhiddencategories');
    return selected
      .filter((category) => canSeeHidden || categoryPath(state, category.id).every((id) => state.categories.get(id)?.visible === 1))
      .sort((a, b) => categorySortorder(state, a.id) - categorySortorder(state, b.id))
      .map((category) => categoryInfo(state, category, canManage));
  },
};

export const updateCategories: WsFunction = {
  name: 'core_course_update_categories',
  version: '2022112810',
  parameters: {
    categories: multiple(
      single({
        id: value('int'),
        name: value('text', optional),
        idnumber: value('raw', optional),
        parent: value('int', optional),
        description: value('raw', optional),
        descriptionformat: value('int', withDefault(1)),
        theme: value('plugin', optional),
      }),
    ),
  },
  execute(args, context) {
    const { categories } = z
      .object({
        categories: z.array(
          z.object({ id: z.number(), name: z.string().optional(), idnumber: z.string().optional(), parent: z.number().optional(), description: z.string().optional(), descriptionformat: z.number() }),
        ),
      })
      .parse(args);
    const { state } = context;
    transaction(state, () => {
      for (const input of categories) {
        const category = requireCategory(state, input.id);
        manageCategories(context);
        validateFormat(input.descriptionformat);
        // `core_course_category::update()` (from source): empty names refused, idnumber unique, no moving under itself.
        if (input.name !== undefined && input.name.trim() === '') throw moodleException('categorynamerequired', 'A category name is required.');
        checkCategoryIdnumber(state, input.idnumber, category.id);
        if (input.parent !== undefined && input.parent !== category.parent) {
          if (input.parent !== 0 && !state.categories.has(input.parent)) throw moodleException('unknowncategory', 'Unknown category with category ID number "{$a}"');
          if (input.parent === category.id || descendantsOf(state, category.id).some((sub) => sub.id === input.parent)) {
            throw moodleException('cannotmovecategory', 'Cannot move category');
          }
          category.parent = input.parent;
        }
        if (input.name !== undefined) category.name = input.name;
        if (input.idnumber !== undefined) category.idnumber = input.idnumber;
        if (input.description !== undefined) category.description = input.description;
        category.descriptionformat = input.descriptionformat;
        category.timemodified = state.now();
      }
    });
    return null;
  },
};
