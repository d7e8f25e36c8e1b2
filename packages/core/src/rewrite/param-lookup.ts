/** Wrapper prefixes (DDP, torch.compile) that the reference strips when it matches parameter names. */
const WRAPPER_PREFIXES = ['module.', '_orig_mod.'] as const;

/** `name` without any leading wrapper prefixes, removed repeatedly in any order. */
export function normalizeParamName(name: string): string {
  let out = name;
  let changed = true;
  while (changed) {
    changed = false;
    for (const p of WRAPPER_PREFIXES) {
      if (out.startsWith(p)) {
        out = out.slice(p.length);
        changed = true;
      }
    }
  }
  return out;
}

/**
 * Maps every name a param map may use for a base tensor to that tensor's name, the way the
 * reference's rewrite looks parameters up: the exact name, its normalised form, and each dotted
 * suffix of two or more components that only one tensor ends with (a wrapper such as `model.`
 * around the trained backbone). Earlier entries win, as with Python's dict.setdefault.
 */
export function buildParamLookup(tensorNames: Iterable<string>): Map<string, string> {
  const lookup = new Map<string, string>();
  const suffixes = new Map<string, Set<string>>();
  for (const name of tensorNames) {
    lookup.set(name, name);
    const normalized = normalizeParamName(name);
    if (!lookup.has(normalized)) lookup.set(normalized, name);
    const parts = normalized.split('.');
    for (let i = 1; i < parts.length - 1; i++) {
      const suffix = parts.slice(i).join('.');
      let owners = suffixes.get(suffix);
      if (!owners) suffixes.set(suffix, (owners = new Set()));
      owners.add(name);
    }
  }
  for (const [suffix, owners] of suffixes) {
    if (owners.size === 1 && !lookup.has(suffix)) lookup.set(suffix, [...owners][0] as string);
  }
  return lookup;
}

/** The base tensor a param-map name refers to: exact, then normalised, then with a `module.` prefix. */
export function resolveParamName(lookup: ReadonlyMap<string, string>, name: string): string | undefined {
  return lookup.get(name) ?? lookup.get(normalizeParamName(name)) ?? lookup.get(`module.${name}`);
}
