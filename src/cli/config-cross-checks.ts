/**
 * Checks that span keys of different sections (or items of one list), which no single
 * area's schema can see. They run after every section validated, so `check-config` catches
 * them too instead of the first `thump monitor` start.
 */

/** One cross-key problem: the key path (as zod paths go) and what is wrong. */
export interface CrossKeyProblem {
  path: (string | number)[];
  message: string;
}

interface Shape {
  notifiers?: readonly { name: string }[];
  routes?: readonly { notifiers: readonly string[] }[];
}

/** Routes may only name configured notifiers. */
export function crossKeyProblems(cfg: Shape): CrossKeyProblem[] {
  const out: CrossKeyProblem[] = [];
  const names = new Set((cfg.notifiers ?? []).map((n) => n.name));
  const known = [...names].join(', ') || 'none configured';
  (cfg.routes ?? []).forEach((route, i) => {
    route.notifiers.forEach((name, j) => {
      if (!names.has(name)) {
        out.push({
          path: ['routes', i, 'notifiers', j],
          message: `no notifier named ${JSON.stringify(name)} (known: ${known})`,
        });
      }
    });
  });
  return out;
}
