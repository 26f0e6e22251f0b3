import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { types } from 'node:util';

/**
 * A sandbox's state kept in a JSON file, so the local stack's Moodle and ERPNext remember what
 * they held across restarts, as Temporal's history does (.data/). Maps and Sets are written as
 * tagged arrays; functions (clocks) are left out and come from the fresh state they load into.
 */
// util.types, not instanceof: a structuredClone'd Map may come from another realm (jest's vm contexts).
const replacer = (_key: string, value: unknown) => {
  if (types.isMap(value)) return { $map: [...value] };
  if (types.isSet(value)) return { $set: [...value] };
  return value;
};

const reviver = (_key: string, value: unknown) => {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const tagged = value as { $map?: [unknown, unknown][]; $set?: unknown[] };
    if (Array.isArray(tagged.$map) && Object.keys(value).length === 1) return new Map(tagged.$map);
    if (Array.isArray(tagged.$set) && Object.keys(value).length === 1) return new Set(tagged.$set);
  }
  return value;
};

export function readStateFile(file: string): unknown {
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8'), reviver) : undefined;
}

/** Written to a temporary file and renamed, so a stop halfway through a write cannot leave half a file. */
export function writeStateFile(file: string, state: unknown): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(state, replacer));
  renameSync(temporary, file);
}

export interface StateSaver {
  /** Saves soon: a burst of writes costs one save. */
  schedule(): void;
  /** Saves now (pending or not): on close. */
  flush(): void;
}

export function stateSaver(file: string, snapshot: () => unknown, delayMs = 200): StateSaver {
  let timer: NodeJS.Timeout | undefined;
  const save = () => {
    timer = undefined;
    writeStateFile(file, snapshot());
  };
  return {
    schedule() {
      timer ??= setTimeout(save, delayMs);
    },
    flush() {
      if (timer) clearTimeout(timer);
      save();
    },
  };
}
