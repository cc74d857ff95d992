// Elements are built with textContent only, never innerHTML: everything shown
// comes from the gateway (node names, chat text) and must stay inert.

type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | undefined | ((event: Event) => void)>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') element.addEventListener(key.replace(/^on/, '').toLowerCase(), value);
    else if (key === 'className') element.className = String(value);
    else if (key === 'value' && 'value' in element) (element as HTMLInputElement).value = String(value);
    else element.setAttribute(key, value === true ? '' : String(value));
  }
  append(element, ...children);
  return element;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }
}

export function replaceChildren(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, ...children);
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`missing element #${id}`);
  return element as T;
}

export function table(headers: string[], rows: Child[][], emptyText: string): HTMLElement {
  if (rows.length === 0) return h('p', { className: 'empty' }, emptyText);
  return h(
    'table',
    {},
    h('thead', {}, h('tr', {}, ...headers.map((name) => h('th', {}, name)))),
    h('tbody', {}, ...rows.map((cells) => h('tr', {}, ...cells.map((cell) => h('td', {}, cell))))),
  );
}

export function kv(entries: Array<[string, Child]>): HTMLElement {
  const list = h('dl', { className: 'kv' });
  for (const [key, value] of entries) append(list, h('dt', {}, key), h('dd', {}, value ?? '—'));
  return list;
}

export function pill(text: string, tone: 'ok' | 'bad' | 'warn' | '' = ''): HTMLElement {
  return h('span', { className: `pill ${tone}` }, text);
}
