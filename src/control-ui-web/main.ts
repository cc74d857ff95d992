import { BrowserIdentity, loadOrCreateIdentity } from './device-identity.js';
import { append, byId, h, replaceChildren } from './dom.js';
import { Credentials, GatewayConnection, StateChange } from './gateway-connection.js';
import {
  gatewaySocketUrl,
  loadRememberedCredentials,
  readPageSettings,
  rememberCredentials,
  takeFragmentToken,
} from './settings.js';
import type { AppContext, View } from './view.js';
import { ApprovalsView } from './views/approvals.js';
import { ChannelsView } from './views/channels.js';
import { ChatView } from './views/chat.js';
import { DevicesView } from './views/devices.js';
import { NodesView } from './views/nodes.js';
import { OverviewView } from './views/overview.js';
import { LogsView } from './views/logs.js';
import { SessionsView } from './views/sessions.js';

const STATE_LABELS: Record<StateChange['state'], string> = {
  idle: 'not connected',
  connecting: 'connecting…',
  connected: 'connected',
  reconnecting: 'reconnecting…',
  pairing: 'waiting for pairing approval',
  'auth-failed': 'refused',
};

function main(): void {
  const settings = readPageSettings();
  const fragmentToken = takeFragmentToken();
  const secure = window.isSecureContext;
  const notice = byId('notice');

  if (!secure && !settings.allowInsecureAuth) {
    explainInsecureContext(notice);
    byId<HTMLButtonElement>('login-submit').disabled = true;
    return;
  }
  if (!secure) {
    showNotice(
      notice,
      'Insecure mode: this page is served over plain http from a non-local address, so it connects with the shared secret only, without a device identity (gateway.controlUi.allowInsecureAuth is on). Anyone on the network path can read the secret; prefer an SSH tunnel or Tailscale Serve.',
    );
  }

  let identity: Promise<BrowserIdentity | undefined> | undefined;
  const getIdentity = (): Promise<BrowserIdentity | undefined> => {
    if (!secure) return Promise.resolve(undefined);
    identity ??= loadOrCreateIdentity().catch((error) => {
      showNotice(
        notice,
        `This browser cannot create an Ed25519 device identity (${(error as Error).message}); connecting with the shared secret only.`,
      );
      return undefined;
    });
    return identity;
  };

  const conn = new GatewayConnection(gatewaySocketUrl(), getIdentity);
  const tabs = byId('tabs');
  const viewHost = byId('view');
  const views: View[] = [];
  let current: View | undefined;

  const ctx: AppContext = {
    conn,
    setBadge: (viewId, count) => {
      const badge = document.getElementById(`badge-${viewId}`);
      if (badge) badge.textContent = count > 0 ? String(count) : '';
    },
    show: (viewId) => show(viewId),
    openChat: (sessionKey) => {
      show('chat');
      chat.open(sessionKey);
    },
  };
  const chat = new ChatView(ctx);
  views.push(
    new OverviewView(ctx),
    new NodesView(ctx),
    new DevicesView(ctx),
    new ChannelsView(ctx),
    new SessionsView(ctx),
    chat,
    new ApprovalsView(ctx),
    new LogsView(ctx),
  );
  for (const view of views) {
    append(
      tabs,
      h(
        'button',
        { type: 'button', role: 'tab', 'data-tab': view.id, 'aria-selected': 'false', onclick: () => show(view.id) },
        view.title,
        h('span', { className: 'badge', id: `badge-${view.id}` }),
      ),
    );
  }

  function show(viewId: string): void {
    const view = views.find((v) => v.id === viewId) ?? views[0];
    current = view;
    for (const tab of tabs.querySelectorAll<HTMLElement>('[data-tab]'))
      tab.setAttribute('aria-selected', String(tab.dataset.tab === view.id));
    replaceChildren(viewHost, view.element);
    if (conn.state === 'connected') view.refresh();
  }

  const form = byId<HTMLFormElement>('login-form');
  const kind = byId<HTMLSelectElement>('login-kind');
  const secret = byId<HTMLInputElement>('login-secret');
  const remember = byId<HTMLInputElement>('login-remember');
  const loginError = byId('login-error');
  const stateBadge = byId('conn-state');
  const disconnect = byId<HTMLButtonElement>('disconnect');
  let everConnected = false;

  conn.on('state', (change: StateChange) => {
    stateBadge.dataset.state = change.state;
    stateBadge.textContent = STATE_LABELS[change.state];
    stateBadge.title = change.detail ?? '';
    disconnect.hidden = change.state === 'idle' || change.state === 'auth-failed';
    const refused = change.state === 'auth-failed' || change.state === 'pairing';
    loginError.hidden = !refused && !(change.state === 'reconnecting' && !everConnected);
    loginError.textContent = change.detail ?? '';
    if (change.state === 'auth-failed') {
      // A refused secret must be fixed by the person; forget it so a reload does not retry it.
      rememberCredentials(undefined);
      setLoggedIn(false);
    }
    if (change.state === 'idle') setLoggedIn(false);
  });
  conn.on('hello', () => {
    everConnected = true;
    setLoggedIn(true);
    for (const view of views) if (view !== current) view.refresh();
    current?.refresh();
  });

  function setLoggedIn(loggedIn: boolean): void {
    byId('app').hidden = !loggedIn;
    byId('login').hidden = loggedIn;
    if (loggedIn && !current) show('overview');
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const credentials: Credentials = { kind: kind.value === 'password' ? 'password' : 'token', secret: secret.value.trim() };
    if (!credentials.secret) return;
    rememberCredentials(remember.checked ? credentials : undefined);
    everConnected = false;
    conn.start(credentials);
  });
  disconnect.addEventListener('click', () => {
    rememberCredentials(undefined);
    conn.stop();
    everConnected = false;
  });

  const remembered = loadRememberedCredentials();
  if (fragmentToken) {
    kind.value = 'token';
    secret.value = fragmentToken;
    byId<HTMLButtonElement>('login-submit').focus();
  } else if (remembered) {
    kind.value = remembered.kind;
    secret.value = remembered.secret;
    remember.checked = true;
    conn.start(remembered);
  } else {
    secret.focus();
  }
}

function showNotice(notice: HTMLElement, text: string): void {
  notice.hidden = false;
  replaceChildren(notice, text);
}

function explainInsecureContext(notice: HTMLElement): void {
  notice.hidden = false;
  const port = location.port || (location.protocol === 'https:' ? '443' : '80');
  replaceChildren(
    notice,
    h('strong', {}, 'This page cannot connect securely from here.'),
    h(
      'p',
      {},
      `It was opened over plain http from ${location.hostname}, which is not this computer. Browsers only allow the cryptography the page uses to prove its device identity on https or localhost pages, and over plain http the gateway secret would cross the network readable by anyone on the path.`,
    ),
    'Do one of these:',
    h(
      'ul',
      {},
      h(
        'li',
        {},
        'Open an SSH tunnel and use the local address: ',
        h('code', {}, `ssh -N -L ${port}:127.0.0.1:${port} user@gateway-host`),
        ' then browse to ',
        h('code', {}, `http://localhost:${port}/`),
      ),
      h(
        'li',
        {},
        'Or expose the gateway with Tailscale Serve (https inside your tailnet): ',
        h('code', {}, 'nestclaw gateway run --tailscale serve'),
      ),
      h(
        'li',
        {},
        'Or, on a network you trust, set ',
        h('code', {}, 'gateway.controlUi.allowInsecureAuth: true'),
        ' to connect with the shared secret only, without a device identity.',
      ),
    ),
  );
  byId('login').hidden = true;
  const state = byId('conn-state');
  state.dataset.state = 'auth-failed';
  state.textContent = 'insecure page: not connecting';
}

main();
