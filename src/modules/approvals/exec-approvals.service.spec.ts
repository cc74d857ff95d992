import { Logger } from '@nestjs/common';
import { Subject } from 'rxjs';
import { Clock } from '../../common/clock';
import { IdSource } from '../../common/ids';
import { MAX_PENDING_APPROVALS_PER_NODE } from '../../common/protocol';
import type { Broadcaster } from '../gateway/broadcaster';
import type { Connection } from '../gateway/connection/connection';
import type { ConnectionChange, ConnectionRegistry } from '../gateway/connection/connection-registry';
import { toErrorShape } from '../gateway/rpc/wire-errors';
import { ApprovalsError } from './approvals.errors';
import type { ExecApprovalChange } from './approvals.types';
import { ExecApprovalsService, MAX_PENDING_APPROVALS } from './exec-approvals.service';
import { argsMatch } from '../../common/exec/args-pattern';
import type { HostExecApprovalsRepository } from './host-exec-approvals.repository';
import type { HostApprovalsFileRepository } from './host-approvals-file.repository';

/** An operator whose connection receives exec.approval.requested: someone can answer. */
const APPROVER = { session: { role: 'operator', scopes: ['operator.approvals'] } } as unknown as Connection;

function setup(connected: Connection[] = [APPROVER]) {
  const broadcast = jest.fn();
  const changes = new Subject<ConnectionChange>();
  const stored: Array<{ command: string; args: readonly string[]; by: string | null }> = [];
  const allowlist = {
    allows: (command: string, args: readonly string[]) =>
      stored.some((entry) => entry.command === command && argsMatch(entry.args, args)),
    add: (command: string, args: readonly string[], by: string | null) => void stored.push({ command, args, by }),
  } as unknown as HostExecApprovalsRepository;
  const service = new ExecApprovalsService(
    new Clock(),
    { broadcast } as unknown as Broadcaster,
    { changes$: changes.asObservable(), all: () => connected.values() } as unknown as ConnectionRegistry,
    allowlist,
    { allows: () => false } as unknown as HostApprovalsFileRepository,
    new IdSource(),
  );
  service.onModuleInit();
  const seen: ExecApprovalChange[] = [];
  service.changes$.subscribe((change) => seen.push(change));
  return { service, broadcast, changes, stored, seen };
}

const NODE_ASK = {
  host: 'node' as const,
  nodeId: 'n1',
  hostName: 'garage',
  argv: ['uname', '-a'],
  cwd: '/tmp',
  resolvedPath: '/usr/bin/uname',
};

describe(ExecApprovalsService.name, () => {
  beforeAll(() => jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined));
  beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => jest.useRealTimers());

  describe('request', () => {
    it('refuses at once, saying how to fix it, when no connection or relay can show the prompt', () => {
      const reader = { session: { role: 'operator', scopes: ['operator.read'] } } as unknown as Connection;
      const { service, broadcast } = setup([reader]);
      service.addRelay({ name: 'Telegram', reachable: () => false });
      let refusal: unknown;
      try {
        void service.request(NODE_ASK);
      } catch (error) {
        refusal = error;
      }
      expect(toErrorShape(refusal).shape).toMatchObject({
        code: 'UNAVAILABLE',
        message: expect.stringMatching(/^no approver reachable: .*Telegram has no approver.*channels\.telegram\.approvers/),
        details: { reason: 'no-approver' },
      });
      expect(service.list()).toEqual([]);
      expect(broadcast).not.toHaveBeenCalled();
    });

    it('opens the prompt when only a relay can reach an approver, and not once the relay is removed', () => {
      const { service } = setup([]);
      const remove = service.addRelay({ name: 'Telegram', reachable: () => true });
      void service.request(NODE_ASK);
      expect(service.list()).toHaveLength(1);
      remove();
      expect(() => service.request(NODE_ASK)).toThrow(/no approver reachable/);
    });

    it('broadcasts the prompt to approvers and lists it while pending', () => {
      const { service, broadcast } = setup();
      void service.request({ ...NODE_ASK, sessionKey: 'main' });
      const [pending] = service.list();
      expect(pending).toMatchObject({
        host: 'node',
        nodeId: 'n1',
        argv: ['uname', '-a'],
        cwd: '/tmp',
        sessionKey: 'main',
        expiresAtMs: 1_000_000 + 120_000,
      });
      expect(broadcast).toHaveBeenCalledWith('exec.approval.requested', pending);
    });

    it('denies on expiry and tells the approvers', async () => {
      const { service, broadcast } = setup();
      const answer = service.request(NODE_ASK);
      jest.advanceTimersByTime(119_999);
      expect(service.list()).toHaveLength(1);
      jest.advanceTimersByTime(1);
      await expect(answer).resolves.toMatchObject({ decision: 'deny', reason: 'expired', decidedBy: null });
      expect(service.list()).toEqual([]);
      expect(broadcast).toHaveBeenLastCalledWith(
        'exec.approval.resolved',
        expect.objectContaining({ decision: 'deny', reason: 'expired' }),
      );
    });

    it('keeps the asked timeout within the gateway bounds', () => {
      const { service } = setup();
      void service.request({ ...NODE_ASK, timeoutMs: 10 });
      void service.request({ ...NODE_ASK, timeoutMs: 9_999_999 });
      expect(service.list().map((r) => r.expiresAtMs - r.createdAtMs)).toEqual([1_000, 120_000]);
    });

    it('withdraws the prompts of a connection that left', async () => {
      const { service, changes } = setup();
      const connection = {} as Connection;
      const answer = service.request(NODE_ASK, { connection });
      changes.next({ type: 'left', connection, reason: 'closed' });
      await expect(answer).resolves.toMatchObject({ decision: 'deny', reason: 'withdrawn' });
    });

    it('withdraws when the asker aborts', async () => {
      const { service } = setup();
      const controller = new AbortController();
      const answer = service.request({ host: 'gateway', argv: ['date'] }, { signal: controller.signal });
      controller.abort();
      await expect(answer).resolves.toMatchObject({ decision: 'deny', reason: 'withdrawn' });
    });

    it('refuses beyond the pending limit', () => {
      const { service } = setup();
      for (let i = 0; i < MAX_PENDING_APPROVALS; i++) void service.request({ ...NODE_ASK, nodeId: `node-${i}` });
      expect(() => service.request({ ...NODE_ASK, nodeId: 'one-more' })).toThrow(/^too many exec approval requests are waiting/);
    });

    it('refuses one node beyond its own share, while other nodes may still ask', () => {
      const { service } = setup();
      for (let i = 0; i < MAX_PENDING_APPROVALS_PER_NODE; i++) void service.request({ ...NODE_ASK, nodeId: 'greedy' });
      let refusal: unknown;
      try {
        void service.request({ ...NODE_ASK, nodeId: 'greedy' });
      } catch (error) {
        refusal = error;
      }
      expect(refusal).toBeInstanceOf(ApprovalsError);
      expect(toErrorShape(refusal).shape).toMatchObject({ code: 'UNAVAILABLE', details: { nodeId: 'greedy', limit: 10 } });
      expect(() => service.request({ ...NODE_ASK, nodeId: 'polite' })).not.toThrow();
      expect(service.list()).toHaveLength(MAX_PENDING_APPROVALS_PER_NODE + 1);
    });
  });

  describe('resolve', () => {
    it('lets the first answer win and refuses later ones', async () => {
      const { service, broadcast } = setup();
      const answer = service.request(NODE_ASK);
      const { id } = service.list()[0];
      const resolution = service.resolve(id, 'allow-once', 'cli');
      expect(resolution).toEqual({ id, decision: 'allow-once', decidedBy: 'cli', reason: 'decided', ts: 1_000_000 });
      await expect(answer).resolves.toEqual({ id, decision: 'allow-once', decidedBy: 'cli', reason: 'decided' });
      expect(broadcast).toHaveBeenLastCalledWith('exec.approval.resolved', resolution);

      expect(() => service.resolve(id, 'deny', 'telegram:42')).toThrow(/^already resolved/);
      jest.advanceTimersByTime(200_000);
      await expect(answer).resolves.toMatchObject({ decision: 'allow-once' });
    });

    it('says "unknown approval" for an id it never issued', () => {
      expect(() => setup().service.resolve('nope', 'deny', 'cli')).toThrow(/^unknown approval/);
    });

    it('stores allow-always for the gateway host with its exact arguments, and not for a node', async () => {
      const { service, stored } = setup();
      void service.request({ host: 'gateway', argv: ['date', '-u', '+%*'] });
      void service.request(NODE_ASK);
      const [gateway, node] = service.list();
      service.resolve(gateway.id, 'allow-always', 'cli');
      service.resolve(node.id, 'allow-always', 'cli');
      expect(stored).toEqual([{ command: 'date', args: ['-u', '+%\\*'], by: 'cli' }]);
      expect(service.isAllowedOnGateway(['date', '-u', '+%*'])).toBe(true);
      expect(service.isAllowedOnGateway(['date', '-u', '+%s'])).toBe(false);
      expect(service.isAllowedOnGateway(['date'])).toBe(false);
    });

    it('shows the full argv, cwd and env in the prompt', () => {
      const { service } = setup();
      void service.request({ ...NODE_ASK, env: { TERM: 'dumb' } });
      expect(service.list()[0]).toMatchObject({ argv: ['uname', '-a'], cwd: '/tmp', env: { TERM: 'dumb' } });
    });

    it('publishes requests and resolutions to subscribers', () => {
      const { service, seen } = setup();
      void service.request(NODE_ASK);
      service.resolve(service.list()[0].id, 'deny', 'cli');
      expect(seen.map((change) => change.type)).toEqual(['requested', 'resolved']);
    });
  });
});
