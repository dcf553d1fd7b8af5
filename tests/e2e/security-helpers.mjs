// Shared by the offline, single-file and security tests: record every request a browser context
// makes (pages and service workers alike) and every Content-Security-Policy violation.

/** Every URL the context requests, from its pages and its service workers. */
export function watchRequests(context) {
  const urls = [];
  context.on('request', (r) => urls.push(r.url()));
  return urls;
}

/** Requests that go anywhere but `origin` (data: and blob: URLs never leave the browser). */
export function foreign(urls, origin) {
  return urls.filter((u) => !u.startsWith('data:') && !u.startsWith('blob:') && new URL(u).origin !== origin);
}

/** CSP violations in any page of the context, reported even across reloads. */
export async function watchCsp(context) {
  const violations = [];
  await context.exposeBinding('__glossaCsp', (_source, v) => violations.push(v));
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) =>
      window.__glossaCsp(`${e.effectiveDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`));
  });
  return violations;
}
