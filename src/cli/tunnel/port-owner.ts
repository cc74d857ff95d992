import { execFile } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as net from 'node:net';

export interface PortOwner {
  pid: number;
  name?: string;
}

/** The file-system and process calls the lookup needs, replaceable in tests. */
export interface PortOwnerIo {
  readFile(path: string): Promise<string>;
  readdir(path: string): Promise<string[]>;
  readlink(path: string): Promise<string>;
  /** Output of `ss -ltnp`, or undefined when ss is missing or fails. */
  runSs(): Promise<string | undefined>;
}

const LISTEN_STATE = '0A';

/** Resolves true when 127.0.0.1:port cannot be bound because something else holds it. */
export function isLocalPortInUse(port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', (error: NodeJS.ErrnoException) => (error.code === 'EADDRINUSE' ? resolve(true) : reject(error)));
    server.listen({ port, host: '127.0.0.1' }, () => server.close(() => resolve(false)));
  });
}

/**
 * Which process listens on a TCP port: first from /proc (Linux, no extra
 * tools, but only our own processes unless we are root), then from `ss`.
 * Undefined when neither can tell.
 */
export async function findPortOwner(port: number, io: PortOwnerIo = realIo): Promise<PortOwner | undefined> {
  return (await fromProc(port, io).catch(() => undefined)) ?? parseSsListeners((await io.runSs()) ?? '', port);
}

/** Socket inodes of listeners on the port, from /proc/net/tcp or tcp6 text. */
export function listeningInodes(procNetTcp: string, port: number): string[] {
  const inodes: string[] = [];
  for (const line of procNetTcp.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 10) continue;
    const [, local, , state] = fields;
    const localPort = parseInt(local.slice(local.lastIndexOf(':') + 1), 16);
    if (localPort === port && state === LISTEN_STATE && fields[9] !== '0') inodes.push(fields[9]);
  }
  return inodes;
}

/** The first process in `ss -ltnp` output that listens on the port. */
export function parseSsListeners(output: string, port: number): PortOwner | undefined {
  for (const line of output.split('\n')) {
    const fields = line.trim().split(/\s+/);
    const local = fields.find((field) => /:\d+$/.test(field));
    if (!local || Number(local.slice(local.lastIndexOf(':') + 1)) !== port) continue;
    const user = /users:\(\("([^"]*)",pid=(\d+)/.exec(line);
    if (user) return { name: user[1], pid: Number(user[2]) };
  }
  return undefined;
}

async function fromProc(port: number, io: PortOwnerIo): Promise<PortOwner | undefined> {
  const tables = await Promise.all(['/proc/net/tcp', '/proc/net/tcp6'].map((file) => io.readFile(file).catch(() => '')));
  const sockets = new Set(tables.flatMap((table) => listeningInodes(table, port)).map((inode) => `socket:[${inode}]`));
  if (sockets.size === 0) return undefined;
  for (const entry of await io.readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const fds = await io.readdir(`/proc/${entry}/fd`).catch(() => [] as string[]);
    for (const fd of fds) {
      const link = await io.readlink(`/proc/${entry}/fd/${fd}`).catch(() => '');
      if (sockets.has(link)) {
        const name = (await io.readFile(`/proc/${entry}/comm`).catch(() => '')).trim();
        return { pid: Number(entry), name: name || undefined };
      }
    }
  }
  return undefined;
}

const realIo: PortOwnerIo = {
  readFile: (path) => fs.readFile(path, 'utf8'),
  readdir: (path) => fs.readdir(path),
  readlink: (path) => fs.readlink(path),
  runSs: () =>
    new Promise((resolve) => {
      execFile('ss', ['-ltnp'], { timeout: 2_000 }, (error, stdout) => resolve(error ? undefined : stdout));
    }),
};
