import type { GatewayConnection } from './gateway-connection.js';

export interface AppContext {
  conn: GatewayConnection;
  setBadge(viewId: string, count: number): void;
  show(viewId: string): void;
  openChat(sessionKey: string): void;
}

/** One tab of the page. Views live for the page's lifetime, so chat state survives switching tabs. */
export interface View {
  readonly id: string;
  readonly title: string;
  readonly element: HTMLElement;
  /** Called on every new hello (first connect and each reconnect) and when the tab is opened. */
  refresh(): void;
}
