/**
 * Moodle's REST server reads PHP's `$_POST`, so nested arguments travel as PHP bracket fields:
 * `users[0][customfields][0][type]=…`. Booleans become 1/0 because PARAM_BOOL accepts nothing else.
 */
export type RestValue = string | number | boolean | null | undefined | RestValue[] | { [key: string]: RestValue };

export type FormField = [name: string, value: string];

/** Flattens arguments into form fields in PHP bracket notation; `undefined` and `null` are left out. */
export function encodeRestArguments(args: Record<string, RestValue>): FormField[] {
  const fields: FormField[] = [];
  const visit = (name: string, value: RestValue) => {
    if (value === undefined || value === null) return;
    if (Array.isArray(value)) {
      value.forEach((item, index) => visit(`${name}[${index}]`, item));
    } else if (typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) visit(`${name}[${key}]`, item);
    } else if (typeof value === 'boolean') {
      fields.push([name, value ? '1' : '0']);
    } else {
      fields.push([name, String(value)]);
    }
  };
  for (const [key, value] of Object.entries(args)) visit(key, value);
  return fields;
}

/** Number of form fields one item of a list argument costs, to keep requests under max_input_vars. */
export function fieldCount(value: RestValue): number {
  return encodeRestArguments({ item: value }).length;
}
