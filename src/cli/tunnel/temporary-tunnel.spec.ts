import { fakeWorld, FakeWorld } from '../../../test/support/fake-ssh';
import { localPortInUse } from './ssh-diagnosis';
import { TunnelError, withTemporaryTunnel } from './temporary-tunnel';

describe('withTemporaryTunnel', () => {
  let world: FakeWorld;
  let ports: number[];

  beforeEach(() => {
    world = fakeWorld();
    ports = [40001, 40002, 40003, 40004];
  });

  const options = () => ({
    target: 'me@gw:2222',
    remotePort: 18789,
    deps: world.deps,
    pickLocalPort: async () => ports.shift()!,
  });

  it('runs fn with the local URL once the tunnel is up and closes it afterwards', async () => {
    const result = await withTemporaryTunnel(options(), async (url) => {
      expect(world.spawned[0].running).toBe(true);
      return `used ${url}`;
    });

    expect(result).toBe('used ws://127.0.0.1:40001');
    expect(world.spawned).toHaveLength(1);
    expect(world.spawned[0].args).toContain('127.0.0.1:40001:127.0.0.1:18789');
    expect(world.spawned[0].running).toBe(false);
  });

  it('closes the tunnel when fn throws', async () => {
    await expect(
      withTemporaryTunnel(options(), async () => {
        throw new Error('probe failed');
      }),
    ).rejects.toThrow('probe failed');
    expect(world.spawned[0].running).toBe(false);
  });

  it('rejects with a TunnelError on the first failure, without retrying and without calling fn', async () => {
    world.onSpawn = (ssh) => {
      ssh.writeStderr('ssh: connect to host gw port 2222: Connection refused\n');
      ssh.end({ code: 255, signal: null });
    };
    const fn = jest.fn();
    const error = await withTemporaryTunnel(options(), fn).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(TunnelError);
    expect((error as TunnelError).failure.kind).toBe('connection-refused');
    expect((error as TunnelError).message).toContain('fix: check that sshd runs');
    expect(fn).not.toHaveBeenCalled();
    expect(world.spawned).toHaveLength(1);
  });

  it('picks another port when the free one was taken in the meantime', async () => {
    let conflicts = 1;
    world.deps.findLocalPortConflict = async (port) => (conflicts-- > 0 ? localPortInUse(port) : undefined);
    const url = await withTemporaryTunnel(options(), async (localUrl) => localUrl);
    expect(url).toBe('ws://127.0.0.1:40002');
  });

  it('refuses a bad target before starting anything', async () => {
    await expect(withTemporaryTunnel({ ...options(), target: 'me@gw:0' }, jest.fn())).rejects.toThrow(TunnelError);
    expect(world.spawned).toHaveLength(0);
  });
});
