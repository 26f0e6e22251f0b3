import { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { searchAttributes } from '../common/search-attributes';
import { refusedAsInvalid } from './refused-as-invalid';

const IndexedValueType = temporal.api.enums.v1.IndexedValueType;

const indexedValueTypes: Record<string, temporal.api.enums.v1.IndexedValueType> = {
  KEYWORD: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  BOOL: IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
  TEXT: IndexedValueType.INDEXED_VALUE_TYPE_TEXT,
  INT: IndexedValueType.INDEXED_VALUE_TYPE_INT,
  DOUBLE: IndexedValueType.INDEXED_VALUE_TYPE_DOUBLE,
  DATETIME: IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
  KEYWORD_LIST: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
};

/** Twice a production server's cache refresh (60 s: `cacheRefreshInterval` in Temporal's searchattribute manager). */
const usableWithinMs = 120_000;

/** A list query that names each attribute, which the server refuses while it does not know one. */
function queryNaming(keys: typeof searchAttributes): string {
  return keys.map((key) => `${key.name} = ${key.type === 'BOOL' ? 'true' : "'probe'"}`).join(' AND ');
}

/**
 * A server caches each namespace's attributes (a production one for up to a minute; ours, about
 * 2 s: docs/temporal.md §7b), and until its cache holds the new ones it refuses every start that
 * sets them as invalid, which the gateway would answer 400. So the registration is done only once
 * a query naming them is accepted.
 */
async function untilUsable(connection: Connection, namespace: string, added: typeof searchAttributes): Promise<void> {
  const query = queryNaming(added);
  const deadline = Date.now() + usableWithinMs;
  for (;;) {
    try {
      await connection.workflowService.countWorkflowExecutions({ namespace, query });
      return;
    } catch (err) {
      // Only the cache's refusal is waited out; an unreachable server or a missing namespace is the caller's.
      if (!refusedAsInvalid(err)) throw err;
      if (Date.now() > deadline) throw new Error(`Temporal took the search attributes ${added.map((key) => key.name).join(', ')} for namespace ${namespace} but still refuses them after ${usableWithinMs / 1000} s`, { cause: err });
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

/**
 * Registers our custom search attributes on a namespace that lacks them (a production cluster,
 * or a namespace created after the dev server started; the dev server's own `--search-attribute`
 * flags only cover namespaces it creates), and returns once the server accepts them. Returns the
 * names it added; idempotent.
 */
export async function registerSearchAttributes(connection: Connection, namespace: string): Promise<string[]> {
  const existing = await connection.operatorService.listSearchAttributes({ namespace });
  const known = new Set([...Object.keys(existing.customAttributes ?? {}), ...Object.keys(existing.systemAttributes ?? {})]);
  const missing = searchAttributes.filter((key) => !known.has(key.name));
  if (missing.length === 0) return [];
  await connection.operatorService.addSearchAttributes({
    namespace,
    searchAttributes: Object.fromEntries(missing.map((key) => [key.name, indexedValueTypes[key.type]])),
  });
  await untilUsable(connection, namespace, missing);
  return missing.map((key) => key.name);
}
