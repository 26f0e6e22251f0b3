import { invalidParameter, MoodleException } from './exceptions';
import type { PhpArray, PhpValue } from './php-input';

/**
 * The subset of Moodle's external_description (`lib/externallib.php`) the sandbox needs to validate
 * arguments the way `external_api::validate_parameters` does: required keys, defaults, unexpected
 * keys, and scalars that cleaning would change are rejected, never fixed.
 */
export type ParamType = 'int' | 'float' | 'bool' | 'raw' | 'rawtrimmed' | 'text' | 'notags' | 'username' | 'alpha' | 'alphanumext' | 'plugin' | 'safedir';

type Presence = { required: true } | { required: false; default?: string | number | boolean };

export type Description =
  | ({ kind: 'value'; type: ParamType } & Presence)
  | ({ kind: 'single'; keys: Record<string, Description> } & Presence)
  | ({ kind: 'multiple'; content: Description } & Presence);

export type Validated = string | number | boolean | Validated[] | { [key: string]: Validated };

export const value = (type: ParamType, presence: Presence = { required: true }): Description => ({ kind: 'value', type, ...presence });
export const single = (keys: Record<string, Description>, presence: Presence = { required: true }): Description => ({ kind: 'single', keys, ...presence });
export const multiple = (content: Description, presence: Presence = { required: true }): Description => ({ kind: 'multiple', content, ...presence });
export const optional: Presence = { required: false };
export const withDefault = (fallback: string | number | boolean): Presence => ({ required: false, default: fallback });

const cleaners: Record<ParamType, (raw: string) => string> = {
  int: (raw) => (/^-?(0|[1-9]\d*)$/.test(raw) ? raw : String(Number.parseInt(raw, 10) || 0)),
  float: (raw) => (raw.trim() !== '' && Number.isFinite(Number(raw)) ? raw : '0'),
  bool: (raw) => (raw === '0' || raw === '1' ? raw : raw === '' ? '0' : '1'),
  raw: (raw) => raw,
  rawtrimmed: (raw) => raw.trim(),
  text: (raw) => raw.replace(/<[^>]*>/g, ''),
  notags: (raw) => raw.replace(/<[^>]*>/g, ''),
  username: (raw) => raw.trim().toLowerCase().replace(/[^-.@_a-z0-9]/g, ''),
  alpha: (raw) => raw.replace(/[^a-zA-Z]/g, ''),
  alphanumext: (raw) => raw.replace(/[^a-zA-Z0-9_-]/g, ''),
  plugin: (raw) => (/^[a-z][a-z0-9_]*$/.test(raw) ? raw : ''),
  safedir: (raw) => raw.replace(/[^a-zA-Z0-9_-]/g, ''),
};

function convert(type: ParamType, raw: string): Validated {
  if (type === 'int' || type === 'float') return Number(raw);
  if (type === 'bool') return raw === '1';
  return raw;
}

function validateValue(description: Extract<Description, { kind: 'value' }>, input: PhpValue): Validated {
  const raw = typeof input === 'string' ? input : 'Array';
  if (typeof input !== 'string' || cleaners[description.type](raw) !== raw) {
    throw invalidParameter(`Invalid external api parameter: the value is "${raw}", the server was expecting "${description.type}" type`);
  }
  return convert(description.type, raw);
}

function validateSingle(description: Extract<Description, { kind: 'single' }>, input: PhpValue): { [key: string]: Validated } {
  if (typeof input === 'string') throw invalidParameter(`Only arrays accepted. The bad value is: '${input}'`);
  const result: { [key: string]: Validated } = {};
  const rest = new Map(input);
  for (const [key, child] of Object.entries(description.keys)) {
    const given = rest.get(key);
    rest.delete(key);
    if (given === undefined) {
      if (child.required) throw invalidParameter(`Missing required key in single structure: ${key}`);
      if (child.default !== undefined) result[key] = child.default;
      continue;
    }
    try {
      result[key] = validate(child, given);
    } catch (error) {
      if (error instanceof MoodleException && error.errorcode === 'invalidparameter') {
        throw invalidParameter(`${key} => Invalid parameter value detected: ${error.debuginfo ?? ''}`);
      }
      throw error;
    }
  }
  if (rest.size > 0) throw invalidParameter(`Unexpected keys (${[...rest.keys()].join(', ')}) detected in parameter array.`);
  return result;
}

function validateMultiple(description: Extract<Description, { kind: 'multiple' }>, input: PhpValue): Validated[] {
  if (typeof input === 'string') throw invalidParameter(`Only arrays accepted. The bad value is: '${input}'`);
  // List indices are ignored; PHP keeps insertion order.
  return [...input.values()].map((item) => validate(description.content, item));
}

export function validate(description: Description, input: PhpValue): Validated {
  switch (description.kind) {
    case 'value':
      return validateValue(description, input);
    case 'single':
      return validateSingle(description, input);
    case 'multiple':
      return validateMultiple(description, input);
  }
}

/** `external_api::validate_parameters` for a function's top-level single structure. */
export function validateParameters(keys: Record<string, Description>, input: PhpArray): { [key: string]: Validated } {
  return validateSingle({ kind: 'single', keys, required: true }, input);
}
