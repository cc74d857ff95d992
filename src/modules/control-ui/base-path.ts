/**
 * `gateway.controlUi.basePath` as a prefix that starts and ends with "/":
 * "" and "/" → "/", "ui" or "/ui/" → "/ui/". Relative asset URLs in the page
 * resolve against it, so the page must be served with the trailing slash.
 */
export function normalizeBasePath(configured: string): string {
  const trimmed = configured
    .trim()
    .replace(/\/+/g, '/')
    .replace(/^\/|\/$/g, '');
  return trimmed === '' ? '/' : `/${trimmed}/`;
}
