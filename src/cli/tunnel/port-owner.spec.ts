import * as net from 'node:net';
import { findPortOwner, isLocalPortInUse, listeningInodes, parseSsListeners, PortOwnerIo } from './port-owner';

const PROC_NET_TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:4965 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 4242 1 0000000000000000 100 0 0 10 0
   1: 0100007F:4965 0100007F:D431 01 00000000:00000000 00:00000000 00000000  1000        0 5555 1 0000000000000000 20 4 30 10 -1
   2: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 77 1 0000000000000000 100 0 0 10 0
`;
const PROC_NET_TCP6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000001000000:4965 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 4343 1 0000000000000000 100 0 0 10 0
`;

describe('listeningInodes', () => {
  it('finds listening sockets on the port, not connections to it', () => {
    expect(listeningInodes(PROC_NET_TCP, 18789)).toEqual(['4242']);
    expect(listeningInodes(PROC_NET_TCP6, 18789)).toEqual(['4343']);
    expect(listeningInodes(PROC_NET_TCP, 22)).toEqual(['77']);
    expect(listeningInodes(PROC_NET_TCP, 80)).toEqual([]);
  });
});

describe('parseSsListeners', () => {
  const output = `State  Recv-Q Send-Q Local Address:Port  Peer Address:PortProcess
LISTEN 0      511        127.0.0.1:18789      0.0.0.0:*    users:(("node",pid=4321,fd=22))
LISTEN 0      128          0.0.0.0:22         0.0.0.0:*
LISTEN 0      511            [::1]:18790         [::]:*    users:(("ssh",pid=99,fd=5))
`;

  it('returns the named process on the port', () => {
    expect(parseSsListeners(output, 18789)).toEqual({ name: 'node', pid: 4321 });
    expect(parseSsListeners(output, 18790)).toEqual({ name: 'ssh', pid: 99 });
  });

  it('returns undefined when ss does not show the process', () => {
    expect(parseSsListeners(output, 22)).toBeUndefined();
    expect(parseSsListeners('', 22)).toBeUndefined();
  });
});

describe('findPortOwner', () => {
  const io = (overrides: Partial<PortOwnerIo> = {}): PortOwnerIo => ({
    readFile: async (path) => {
      const files: Record<string, string> = { '/proc/net/tcp': PROC_NET_TCP, '/proc/net/tcp6': '', '/proc/31/comm': 'node\n' };
      if (path in files) return files[path];
      throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
    },
    readdir: async (path) => {
      const dirs: Record<string, string[]> = {
        '/proc': ['self', '7', '31'],
        '/proc/7/fd': ['0', '1'],
        '/proc/31/fd': ['0', '9'],
      };
      if (path in dirs) return dirs[path];
      throw Object.assign(new Error('EACCES'), { code: 'EACCES' });
    },
    readlink: async (path) => (path === '/proc/31/fd/9' ? 'socket:[4242]' : '/dev/null'),
    runSs: async () => undefined,
    ...overrides,
  });

  it('finds the process holding the socket through /proc', async () => {
    expect(await findPortOwner(18789, io())).toEqual({ pid: 31, name: 'node' });
  });

  it('falls back to ss when /proc does not show the process (another user)', async () => {
    const owner = await findPortOwner(
      18789,
      io({
        readdir: async () => {
          throw new Error('EACCES');
        },
        runSs: async () => 'LISTEN 0 511 127.0.0.1:18789 0.0.0.0:* users:(("gateway",pid=8,fd=3))\n',
      }),
    );
    expect(owner).toEqual({ name: 'gateway', pid: 8 });
  });

  it('returns undefined when nothing can tell', async () => {
    expect(await findPortOwner(18789, io({ readFile: async () => '' }))).toBeUndefined();
  });
});

describe('isLocalPortInUse', () => {
  it('tells a taken port from a free one', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    try {
      expect(await isLocalPortInUse(port)).toBe(true);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    expect(await isLocalPortInUse(port)).toBe(false);
  });

  if (process.platform === 'linux') {
    it('finds this very process as the owner on Linux', async () => {
      const server = net.createServer();
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as net.AddressInfo;
      try {
        expect(await findPortOwner(port)).toMatchObject({ pid: process.pid });
      } finally {
        await new Promise((resolve) => server.close(resolve));
      }
    });
  }
});
