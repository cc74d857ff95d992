/** Where ssh connects: `[user@]host[:port]`, with IPv6 hosts in brackets (`user@[::1]:2222`). */
export interface SshTarget {
  user?: string;
  host: string;
  port?: number;
  /** What ssh gets as its destination argument: `user@host`, without the port. */
  destination: string;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

export function parseSshTarget(text: string): ParseResult<SshTarget> {
  const trimmed = text.trim();
  const usage = 'use user@host or user@host:port (for example me@gateway.example.com:2222)';
  if (trimmed === '') return { ok: false, error: `the SSH target is empty: ${usage}` };
  if (/\s/.test(trimmed)) return { ok: false, error: `the SSH target ${JSON.stringify(text)} contains spaces: ${usage}` };

  const at = trimmed.lastIndexOf('@');
  const user = at === -1 ? undefined : trimmed.slice(0, at);
  const rest = at === -1 ? trimmed : trimmed.slice(at + 1);
  if (user === '') return { ok: false, error: `the SSH target ${JSON.stringify(text)} has an empty user name: ${usage}` };

  let host: string;
  let portText: string | undefined;
  const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(rest);
  if (bracketed) {
    host = bracketed[1];
    portText = bracketed[2];
  } else if (rest.split(':').length > 2) {
    return {
      ok: false,
      error: `the SSH target ${JSON.stringify(text)} looks like a bare IPv6 address: put it in brackets, user@[::1]:22`,
    };
  } else {
    [host, portText] = rest.split(':') as [string, string | undefined];
  }
  // A leading dash would make ssh read the host as an option.
  if (host === '' || host.startsWith('-'))
    return { ok: false, error: `the SSH target ${JSON.stringify(text)} has no valid host: ${usage}` };

  let port: number | undefined;
  if (portText !== undefined) {
    const parsed = parsePort(portText);
    if (parsed === undefined) {
      return { ok: false, error: `the SSH port in ${JSON.stringify(text)} must be a whole number from 1 to 65535` };
    }
    port = parsed;
  }
  return { ok: true, value: { user, host, port, destination: user === undefined ? host : `${user}@${host}` } };
}

/** A TCP port from text, or undefined when it is not a whole number from 1 to 65535. */
export function parsePort(text: string | number): number | undefined {
  const value = typeof text === 'number' ? text : /^\d+$/.test(text.trim()) ? Number(text.trim()) : NaN;
  return Number.isInteger(value) && value >= 1 && value <= 65535 ? value : undefined;
}

/** The target as the user would type it, for messages. */
export function formatSshTarget(target: SshTarget): string {
  const host = target.host.includes(':') ? `[${target.host}]` : target.host;
  const user = target.user === undefined ? '' : `${target.user}@`;
  return `${user}${host}${target.port === undefined ? '' : `:${target.port}`}`;
}
