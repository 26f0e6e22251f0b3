/**
 * A Moodle exception as the REST server reports it: `{exception, errorcode, message}`, plus
 * `debuginfo` only when the site runs with debugging on. A PHP `Error` has no errorcode.
 */
export class MoodleException extends Error {
  constructor(
    readonly exception: string,
    readonly errorcode: string | undefined,
    message: string,
    readonly debuginfo?: string,
  ) {
    super(message);
  }
}

export const invalidParameter = (debuginfo: string) =>
  new MoodleException('invalid_parameter_exception', 'invalidparameter', 'Invalid parameter value detected', debuginfo);

export const invalidRecord = (table: string, sql: string, params: (string | number)[]) =>
  new MoodleException('dml_missing_record_exception', 'invalidrecord', `Can't find data record in database table ${table}.`, `${sql}\n${phpArray(params)}`);

export const codingError = (detail: string, debuginfo?: string) =>
  new MoodleException('coding_exception', 'codingerror', `Coding error detected, it must be fixed by a programmer: ${detail}`, debuginfo);

export const moodleException = (errorcode: string, message: string, debuginfo?: string) =>
  new MoodleException('moodle_exception', errorcode, message, debuginfo);

/** `var_export`-style rendering of DML parameters, as Moodle's debuginfo shows them. */
function phpArray(params: (string | number)[]): string {
  const lines = params.map((value, index) => `  ${index} => ${typeof value === 'number' ? value : `'${value}'`},`);
  return `[array (\n${lines.join('\n')}\n)]`;
}
