import { GatewayEvent, OPERATOR_SCOPES } from '../../src/common/protocol';
import { EVENT_ACCESS, mayReceive, seesPrivateDetails } from '../../src/modules/gateway/event-access';

/**
 * Who receives each event. A change here is a permission change: review it
 * as one, never update the table just to make this pass.
 */
const EXPECTED_EVENT_ACCESS = {
  'connect.challenge': null,
  tick: null,
  shutdown: null,
  presence: { role: 'operator', scope: 'operator.read' },
  health: { role: 'operator', scope: 'operator.read' },
  'device.pair.requested': { role: 'operator', scope: 'operator.pairing' },
  'device.pair.resolved': { role: 'operator', scope: 'operator.pairing' },
  'node.pair.requested': { role: 'operator', scope: 'operator.pairing' },
  'node.pair.resolved': { role: 'operator', scope: 'operator.pairing' },
  'node.invoke.request': { role: 'node', scope: null },
  'node.event': { role: 'operator', scope: 'operator.read' },
  agent: { role: 'operator', scope: 'operator.read' },
  chat: { role: 'operator', scope: 'operator.read' },
  'exec.approval.requested': { role: 'operator', scope: 'operator.approvals' },
  'exec.approval.resolved': { role: 'operator', scope: 'operator.approvals' },
  config: { role: 'operator', scope: 'operator.admin' },
};

const node = { role: 'node' as const, scopes: [] };
const operator = (...scopes: string[]) => ({ role: 'operator' as const, scopes });

describe('event permissions', () => {
  it('match the reviewed event → role/scope table', () => {
    expect(EVENT_ACCESS).toEqual(EXPECTED_EVENT_ACCESS);
  });

  it('cover every event the gateway advertises', () => {
    expect(Object.keys(EVENT_ACCESS).sort()).toEqual(Object.values(GatewayEvent).sort());
  });

  describe('mayReceive', () => {
    it.each<[string, { role: 'operator' | 'node'; scopes: string[] }, string[]]>([
      ['a node', node, ['connect.challenge', 'tick', 'shutdown', 'node.invoke.request']],
      ['an operator with no scope', operator(), ['connect.challenge', 'tick', 'shutdown']],
      [
        'a read-only operator',
        operator('operator.read'),
        ['connect.challenge', 'tick', 'shutdown', 'presence', 'health', 'node.event', 'agent', 'chat'],
      ],
      [
        'a writer (write implies read)',
        operator('operator.write'),
        ['connect.challenge', 'tick', 'shutdown', 'presence', 'health', 'node.event', 'agent', 'chat'],
      ],
      [
        'a pairing operator',
        operator('operator.pairing'),
        [
          'connect.challenge',
          'tick',
          'shutdown',
          'device.pair.requested',
          'device.pair.resolved',
          'node.pair.requested',
          'node.pair.resolved',
        ],
      ],
      [
        'an approver',
        operator('operator.approvals'),
        ['connect.challenge', 'tick', 'shutdown', 'exec.approval.requested', 'exec.approval.resolved'],
      ],
      ['an admin', operator('operator.admin'), Object.values(GatewayEvent).filter((e) => e !== 'node.invoke.request')],
    ])('%s receives exactly its events', (_name, receiver, expected) => {
      const received = Object.values(GatewayEvent).filter((event) => mayReceive(event, receiver));
      expect(received.sort()).toEqual([...expected].sort());
    });
  });

  describe('seesPrivateDetails', () => {
    it('is for operator.admin only', () => {
      const seeing = OPERATOR_SCOPES.filter((scope) => seesPrivateDetails(operator(scope)));
      expect(seeing).toEqual(['operator.admin']);
      expect(seesPrivateDetails({ role: 'node', scopes: ['operator.admin'] })).toBe(false);
    });
  });
});
