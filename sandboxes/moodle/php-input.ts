/**
 * PHP's view of a request: form fields become nested ordered arrays (`a[0][b]=1`), `$_GET` and
 * `$_POST` are parsed separately with `max_input_vars` each, and Moodle merges them shallowly
 * with `array_merge($_GET, $_POST)`.
 */
export type PhpValue = string | PhpArray;
export type PhpArray = Map<string, PhpValue>;

/** PHP 8.2 kept max_input_vars + 1 fields in the captures (133, 134) before dropping the rest. */
export function parsePhpFields(fields: [string, string][], maxInputVars: number): PhpArray {
  const root: PhpArray = new Map();
  for (const [name, value] of fields.slice(0, maxInputVars + 1)) assign(root, name, value);
  return root;
}

function assign(root: PhpArray, name: string, value: string) {
  const open = name.indexOf('[');
  // PHP turns spaces and dots in the top-level name into underscores.
  const base = (open === -1 ? name : name.slice(0, open)).replace(/[ .]/g, '_');
  if (base === '') return;
  const path = [base];
  if (open !== -1) {
    const rest = name.slice(open);
    const pattern = /\[([^\]]*)\]/g;
    let match: RegExpExecArray | null;
    while ((match = pattern.exec(rest)) !== null) path.push(match[1]);
  }
  let node = root;
  for (let i = 0; i < path.length - 1; i += 1) {
    const key = path[i] === '' ? String(nextIndex(node)) : path[i];
    const existing = node.get(key);
    if (existing instanceof Map) {
      node = existing;
    } else {
      const child: PhpArray = new Map();
      node.set(key, child);
      node = child;
    }
  }
  const last = path[path.length - 1];
  node.set(last === '' ? String(nextIndex(node)) : last, value);
}

function nextIndex(node: PhpArray): number {
  let next = 0;
  for (const key of node.keys()) if (/^\d+$/.test(key)) next = Math.max(next, Number(key) + 1);
  return next;
}

/** `array_merge($_GET, $_POST)`: a top-level key in both is taken from POST. */
export function mergeGetPost(get: PhpArray, post: PhpArray): PhpArray {
  const merged: PhpArray = new Map(get);
  for (const [key, value] of post) merged.set(key, value);
  return merged;
}
