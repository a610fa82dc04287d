/**
 * Test support for the glob matcher (src/util/glob.ts): the reference it is checked against.
 * Used by src/util/glob.test.ts and bench/fuzz-inputs.ts.
 */

/**
 * The matcher thump used before issue 17 (a RegExp per glob), kept here as the reference:
 * on small inputs, where backtracking is harmless, the new matcher must agree with it exactly.
 */
export function regexReference(glob: string, flags = ''): (text: string) => boolean {
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
    } else re += c.replace(/[.+^${}()|\\/[]/g, '\\$&');
  }
  const compiled = new RegExp(`${re}$`, `s${flags}`);
  return (t) => compiled.test(t);
}
