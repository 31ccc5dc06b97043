import { METHODS } from 'node:http';

/** What this module reads of Express's router: its route layers. */
interface RouteLayer {
  route?: { methods: Record<string, boolean | undefined> };
  match(path: string): boolean;
}

/**
 * The methods the application's routes answer on `path`, from Express's own router (HEAD goes
 * with GET, as Express serves it): what a 405's Allow header lists. Empty when no route has
 * the path. A route for every method is middleware (Nest mounts its middleware so, on
 * `{/*splat}`): it says nothing of what the path serves.
 */
export function allowedMethods(app: unknown, path: string): string[] {
  const stack = (app as { router?: { stack?: RouteLayer[] } }).router?.stack ?? [];
  const methods = new Set<string>();
  for (const layer of stack) {
    if (!layer.route || layer.route.methods._all || !layer.match(path)) continue;
    const answered = Object.entries(layer.route.methods).filter(([, on]) => on).map(([method]) => method.toUpperCase());
    if (answered.length >= METHODS.length) continue;
    for (const method of answered) methods.add(method);
  }
  if (methods.has('GET')) methods.add('HEAD');
  return [...methods].sort();
}
