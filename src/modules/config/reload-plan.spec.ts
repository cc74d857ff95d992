import { channelsToReconnect, planReload, reloadKindOf } from './reload-plan';

describe('reload plan', () => {
  it.each([
    ['channels.telegram.dmPolicy', 'live'],
    ['channels.telegram.allowFrom', 'live'],
    ['channels.telegram.groups.requireMention', 'live'],
    ['channels.telegram.enabled', 'channel'],
    ['channels.telegram.botToken', 'channel'],
    ['channels.telegram.webhookUrl', 'restart'],
    ['agent.model', 'live'],
    ['agent.maxConcurrent', 'live'],
    ['tools.exec.allowlist', 'live'],
    ['gateway.nodes.allowCommands', 'live'],
    ['gateway.port', 'restart'],
    ['gateway.bind', 'restart'],
    ['gateway.tls.enabled', 'restart'],
    ['gateway.tailscale.mode', 'restart'],
    ['gateway.auth.token', 'restart'],
    ['gateway.limits.maxPayload', 'restart'],
    ['gateway.nodesExtra', 'restart'],
    ['something.new', 'restart'],
  ])('%s → %s', (path, kind) => {
    expect(reloadKindOf(path)).toBe(kind);
  });

  it('splits a change list and names the channels to reconnect once each', () => {
    const changed = ['agent.model', 'gateway.port', 'channels.telegram.botToken', 'channels.telegram.apiRoot'];
    expect(planReload(changed)).toEqual({
      live: ['agent.model'],
      channel: ['channels.telegram.botToken', 'channels.telegram.apiRoot'],
      restart: ['gateway.port'],
    });
    expect(channelsToReconnect(changed)).toEqual(['telegram']);
  });
});
