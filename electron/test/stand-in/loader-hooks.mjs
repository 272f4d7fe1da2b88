// Module resolve hook for the Electron stand-in (registered with `module.register`, so it runs
// on Node's loader thread and can only work from URLs). Each launch of the main bundle is
// imported as `index.js?launch=N`; the `launch` parameter travels to:
// - `electron`: the shim, which hands out that launch's fake Electron module;
// - `electron-store`: re-evaluated per launch, since it caches `app.getPath('userData')`
//   the first time it is constructed (a restart must see its own userData directory).
// Other bare specifiers from a launched bundle resolve from the repository root, because the
// bundle runs from a private copy of out/ outside node_modules' reach.
let shimUrl = '';
let rootUrl = '';

export function initialize(data) {
  shimUrl = data.shimUrl;
  rootUrl = data.rootUrl;
}

function launchOf(parentUrl) {
  if (!parentUrl || !parentUrl.startsWith('file:')) return null;
  return new URL(parentUrl).searchParams.get('launch');
}

function isBare(specifier) {
  return !/^(\.|\/|[a-z][a-z0-9+.-]*:)/i.test(specifier);
}

export async function resolve(specifier, context, next) {
  const launch = launchOf(context.parentURL);
  if (specifier === 'electron') {
    const url = new URL(shimUrl);
    url.searchParams.set('launch', launch ?? 'none');
    return { url: url.href, format: 'module', shortCircuit: true };
  }
  if (launch === null || !isBare(specifier)) return next(specifier, context);
  const resolved = await next(specifier, { ...context, parentURL: rootUrl });
  if (specifier !== 'electron-store') return resolved;
  const url = new URL(resolved.url);
  url.searchParams.set('launch', launch);
  return { ...resolved, url: url.href };
}
