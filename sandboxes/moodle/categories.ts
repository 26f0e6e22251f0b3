import { moodleException } from './exceptions';
import { nextId, type MoodleState } from './state';

/** A row of `course_categories`; `sortorder`, `depth`, `path` and `coursecount` are derived (see below). */
export interface CategoryRecord {
  id: number;
  name: string;
  /** NULL in the database when never set (capture 154 shows `"idnumber": null`). */
  idnumber: string | null;
  description: string;
  descriptionformat: number;
  parent: number;
  visible: number;
  visibleold: number;
  timemodified: number;
  theme: string;
}

/** Moodle's MAX_COURSES_IN_CATEGORY: category sortorders are multiples of it. */
export const maxCoursesInCategory = 10000;

/** Ids from the top-level ancestor down to the category itself (`path` = `/3/4/6`). */
export function categoryPath(state: MoodleState, id: number): number[] {
  const path: number[] = [];
  for (let current = state.categories.get(id); current; current = state.categories.get(current.parent)) path.unshift(current.id);
  return path;
}

/**
 * `fix_course_sortorder()` numbers categories depth-first, siblings in creation order, 10000 apart
 * (captures 151–156: 3 → 30000, its child 4 → 40000, 4's child 6 → 50000, 3's next child 5 → 60000).
 * The sandbox never reorders categories, so computing it on read gives what Moodle stores.
 */
export function categorySortorder(state: MoodleState, id: number): number {
  let position = 0;
  let found = 0;
  const visit = (parent: number) => {
    for (const category of [...state.categories.values()].filter((candidate) => candidate.parent === parent).sort((a, b) => a.id - b.id)) {
      position += 1;
      if (category.id === id) found = position;
      visit(category.id);
    }
  };
  visit(0);
  return found * maxCoursesInCategory;
}

/** `format_string()` as web services apply it to names: a bare `&` becomes `&amp;` (capture 161). */
export const formatString = (text: string) => text.replace(/&(?!#?[a-zA-Z0-9]+;)/g, '&amp;');

export function requireCategory(state: MoodleState, id: number) {
  const category = state.categories.get(id);
  // The lang string has a placeholder the caller never fills: Moodle sends `{$a}` literally (capture 160).
  if (!category) throw moodleException('unknowncategory', 'Unknown category with category ID number "{$a}"');
  return category;
}

/** The idnumber checks of `core_course_category::create()` and `update()`; an empty idnumber is never "taken". */
export function checkCategoryIdnumber(state: MoodleState, idnumber: string | null | undefined, ownId?: number) {
  if (idnumber === undefined || idnumber === null || idnumber === '') return;
  // From Moodle's source (course/classes/category.php), not captured: the 100-character limit.
  if (idnumber.length > 100) throw moodleException('idnumbertoolong', 'The ID number is too long');
  if ([...state.categories.values()].some((category) => category.idnumber === idnumber && category.id !== ownId)) {
    throw moodleException('categoryidnumbertaken', 'ID number is already used for another category');
  }
}

export interface NewCategory {
  name: string;
  parent?: number;
  idnumber?: string;
  description?: string;
  descriptionformat?: number;
}

/** `core_course_category::create()`: name checks (from source), idnumber uniqueness, visible as its parent. */
export function addCategory(state: MoodleState, input: NewCategory): CategoryRecord {
  if (input.name.trim() === '') throw moodleException('categorynamerequired', 'A category name is required.');
  if (input.name.length > 255) throw moodleException('categorytoolong', 'Category name too long');
  checkCategoryIdnumber(state, input.idnumber);
  const parent = input.parent ? state.categories.get(input.parent) : undefined;
  const visible = parent ? parent.visible : 1;
  const category: CategoryRecord = {
    id: nextId(state, 'course_categories'),
    name: input.name,
    idnumber: input.idnumber ?? null,
    description: input.description ?? '',
    descriptionformat: input.descriptionformat ?? 1,
    parent: input.parent ?? 0,
    visible,
    visibleold: visible,
    timemodified: state.now(),
    theme: '',
  };
  state.categories.set(category.id, category);
  return category;
}

/** Categories below `id` at every depth, not `id` itself. */
export function descendantsOf(state: MoodleState, id: number): CategoryRecord[] {
  return [...state.categories.values()].filter((category) => category.id !== id && categoryPath(state, category.id).includes(id));
}
