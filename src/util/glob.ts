/**
 * Compiles a shell-style glob on host ids (`web-*`, `db-?`, `rack[12]-*`, `[!a]*`) into a
 * matcher. Only `*`, `?` and `[...]` are special; everything else matches literally.
 * Shared by the notify area (routes, silences, dependencies) and the HTTP host filter.
 */
export function globMatcher(glob: string): (text: string) => boolean {
  if (glob === '*') return () => true;
  if (!/[*?[]/.test(glob)) return (t) => t === glob;
  let re = '^';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end < 0) re += '\\[';
      else {
        let body = glob.slice(i + 1, end);
        const negate = body.startsWith('!');
        if (negate) body = body.slice(1);
        re += `[${negate ? '^' : ''}${body.replace(/[\\\]^]/g, '\\$&')}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\/]/g, '\\$&');
  }
  const compiled = new RegExp(`${re}$`, 's');
  return (t) => compiled.test(t);
}

/** Whether `text` matches any of `globs` (an empty list matches nothing). */
export function matchesAny(globs: readonly string[], text: string): boolean {
  return globs.some((g) => globMatcher(g)(text));
}
