import type { Credentials } from './gateway-connection.js';

export interface PageSettings {
  allowInsecureAuth: boolean;
}

const CREDENTIALS_KEY = 'nestclaw.controlUi.credentials';

/** Written into index.html by the gateway; a page opened any other way gets the safe defaults. */
export function readPageSettings(): PageSettings {
  const content = document.querySelector<HTMLMetaElement>('meta[name="nestclaw-control-ui"]')?.content ?? '';
  try {
    const parsed = JSON.parse(content) as Partial<PageSettings>;
    return { allowInsecureAuth: parsed.allowInsecureAuth === true };
  } catch {
    return { allowInsecureAuth: false };
  }
}

/**
 * The socket URL is always this page's own origin: whatever address the page
 * was reached by (an SSH tunnel's localhost port, a Tailscale Serve https
 * name) also reaches the gateway. Nothing from the URL's query is used.
 */
export function gatewaySocketUrl(): string {
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/`;
}

/**
 * A one-time `#token=…` link (as printed for onboarding) prefills the form.
 * The fragment never reaches the server, and it is removed from the address
 * bar and history at once so it is not bookmarked or shared by accident.
 */
export function takeFragmentToken(): string | undefined {
  if (!location.hash) return undefined;
  const params = new URLSearchParams(location.hash.slice(1));
  const token = params.get('token') ?? undefined;
  if (token !== undefined) history.replaceState(null, '', location.pathname + location.search);
  return token || undefined;
}

export function loadRememberedCredentials(): Credentials | undefined {
  try {
    const parsed = JSON.parse(localStorage.getItem(CREDENTIALS_KEY) ?? 'null') as Credentials | null;
    if (parsed && (parsed.kind === 'token' || parsed.kind === 'password') && typeof parsed.secret === 'string' && parsed.secret)
      return parsed;
  } catch {
    // A damaged entry is forgotten below.
  }
  localStorage.removeItem(CREDENTIALS_KEY);
  return undefined;
}

export function rememberCredentials(credentials: Credentials | undefined): void {
  if (credentials) localStorage.setItem(CREDENTIALS_KEY, JSON.stringify(credentials));
  else localStorage.removeItem(CREDENTIALS_KEY);
}
