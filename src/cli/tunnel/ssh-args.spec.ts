import { buildSshArgs, parseSshOption } from './ssh-args';

const target = { user: 'me', host: 'gw', destination: 'me@gw' };

describe('buildSshArgs', () => {
  it('forwards 127.0.0.1:local to 127.0.0.1:remote with keepalives, no prompts and no shared connection', () => {
    const args = buildSshArgs({ target, localPort: 18789, remotePort: 19000 });
    expect(args.slice(0, 1)).toEqual(['-N']);
    expect(args.join(' ')).toContain('-o BatchMode=yes -o ExitOnForwardFailure=yes -o ControlMaster=no -o ControlPath=none');
    expect(args.join(' ')).toContain('-o ServerAliveInterval=15 -o ServerAliveCountMax=3');
    expect(args.slice(-4)).toEqual(['-L', '127.0.0.1:18789:127.0.0.1:19000', '--', 'me@gw']);
    expect(args).not.toContain('-p');
    expect(args).not.toContain('-i');
  });

  it('keeps ssh host-key checking as configured unless an option says otherwise', () => {
    expect(buildSshArgs({ target, localPort: 1, remotePort: 2 }).join(' ')).not.toContain('StrictHostKeyChecking');
  });

  it('adds the port, the identity (alone) and user options, which come before the defaults they override', () => {
    const args = buildSshArgs({
      target: { ...target, port: 2222 },
      localPort: 1,
      remotePort: 2,
      identity: '/k/id',
      sshOptions: ['ServerAliveInterval=5', 'StrictHostKeyChecking=accept-new'],
    });
    const text = args.join(' ');
    expect(text).toContain('-i /k/id -o IdentitiesOnly=yes');
    expect(text).toContain('-p 2222');
    // For ssh the first value of an option wins.
    expect(text.indexOf('ServerAliveInterval=5')).toBeLessThan(text.indexOf('ServerAliveInterval=15'));
    expect(text.indexOf('BatchMode=yes')).toBeLessThan(text.indexOf('StrictHostKeyChecking=accept-new'));
  });
});

describe('parseSshOption', () => {
  it.each([
    ['StrictHostKeyChecking=accept-new', 'StrictHostKeyChecking=accept-new'],
    ['UserKnownHostsFile = /tmp/known hosts', 'UserKnownHostsFile=/tmp/known hosts'],
    ['ServerAliveInterval 30', 'ServerAliveInterval=30'],
  ])('accepts %j', (text, expected) => expect(parseSshOption(text)).toEqual({ ok: true, value: expected }));

  it.each([
    ['-oFoo=bar', 'is not Key=Value'],
    ['Port', 'is not Key=Value'],
    ['BatchMode=no', 'cannot be changed'],
    ['exitonforwardfailure=no', 'cannot be changed'],
    ['LocalForward=1 host:2', 'cannot be changed'],
    ['RemoteCommand=sh', 'cannot be changed'],
  ])('refuses %j', (text, message) => {
    const result = parseSshOption(text);
    expect(!result.ok && result.error).toContain(message);
  });
});
