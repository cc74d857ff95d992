import { NestFactory } from '@nestjs/core';
import * as fs from 'node:fs';
import { AppModule } from '../../src/app.module';
import { loadConfig } from '../../src/common/config';
import { GatewayAuthSettings } from '../../src/modules/auth/gateway-auth-settings';
import { GatewayRuntime } from '../../src/modules/config/gateway-runtime';
import { RpcRegistry } from '../../src/modules/gateway/rpc/rpc-registry';
import { makeStateDir } from '../support/test-app';

/**
 * The permission table of every wire method. A change here is a permission
 * change: review it as one, never update the table just to make this pass.
 */
const EXPECTED_PERMISSIONS = {
  agent: { role: 'operator', scope: 'operator.write' },
  'agent.wait': { role: 'operator', scope: 'operator.write' },
  'browser.request': { role: 'operator', scope: 'operator.write' },
  'channel.pair.approve': { role: 'operator', scope: 'operator.pairing' },
  'channel.pair.list': { role: 'operator', scope: 'operator.pairing' },
  'channels.status': { role: 'operator', scope: 'operator.read' },
  'chat.abort': { role: 'operator', scope: 'operator.write' },
  'chat.history': { role: 'operator', scope: 'operator.read' },
  'chat.media': { role: 'operator', scope: 'operator.read' },
  'chat.send': { role: 'operator', scope: 'operator.write' },
  'config.apply': { role: 'operator', scope: 'operator.admin' },
  'config.get': { role: 'operator', scope: 'operator.admin' },
  'config.patch': { role: 'operator', scope: 'operator.admin' },
  'config.schema': { role: 'operator', scope: 'operator.admin' },
  'config.set': { role: 'operator', scope: 'operator.admin' },
  'device.pair.approve': { role: 'operator', scope: 'operator.pairing' },
  'device.pair.list': { role: 'operator', scope: 'operator.pairing' },
  'device.pair.reject': { role: 'operator', scope: 'operator.pairing' },
  'device.token.revoke': { role: 'operator', scope: 'operator.pairing' },
  'device.token.rotate': { role: 'operator', scope: 'operator.pairing' },
  'exec.approval.list': { role: 'operator', scope: 'operator.approvals' },
  'exec.approval.request': { role: 'node', scope: null },
  'exec.approval.resolve': { role: 'operator', scope: 'operator.approvals' },
  'exec.approvals.get': { role: 'operator', scope: 'operator.admin' },
  'exec.approvals.node.get': { role: 'operator', scope: 'operator.admin' },
  'exec.approvals.node.set': { role: 'operator', scope: 'operator.admin' },
  'exec.approvals.set': { role: 'operator', scope: 'operator.admin' },
  health: { role: 'operator', scope: 'operator.read' },
  'logs.tail': { role: 'operator', scope: 'operator.read' },
  'models.list': { role: 'operator', scope: 'operator.read' },
  'node.describe': { role: 'operator', scope: 'operator.read' },
  'node.event': { role: 'node', scope: null },
  'node.invoke': { role: 'operator', scope: 'operator.write' },
  'node.invoke.result': { role: 'node', scope: null },
  'node.list': { role: 'operator', scope: 'operator.read' },
  'node.pair.approve': { role: 'operator', scope: 'operator.pairing' },
  'node.pair.list': { role: 'operator', scope: 'operator.pairing' },
  'node.pair.reject': { role: 'operator', scope: 'operator.pairing' },
  'node.pair.request': { role: 'operator', scope: 'operator.pairing' },
  'node.pair.verify': { role: 'operator', scope: 'operator.pairing' },
  'node.rename': { role: 'operator', scope: 'operator.pairing' },
  send: { role: 'operator', scope: 'operator.write' },
  'security.audit': { role: 'operator', scope: 'operator.admin' },
  'sessions.delete': { role: 'operator', scope: 'operator.admin' },
  'sessions.list': { role: 'operator', scope: 'operator.read' },
  'sessions.patch': { role: 'operator', scope: 'operator.admin' },
  'sessions.preview': { role: 'operator', scope: 'operator.read' },
  'sessions.reset': { role: 'operator', scope: 'operator.admin' },
  status: { role: 'operator', scope: 'operator.read' },
  'system-presence': { role: 'operator', scope: 'operator.read' },
};

describe('RPC permissions', () => {
  it('match the reviewed method → role/scope table', async () => {
    const stateDir = makeStateDir();
    const config = loadConfig({ env: { NESTCLAW_STATE_DIR: stateDir }, homeDir: stateDir, readFile: () => undefined });
    const runtime = new GatewayRuntime(config, ['127.0.0.1'], Date.now(), '0.0.0-test', 'test-host');
    const app = await NestFactory.createApplicationContext(
      AppModule.forRoot({ runtime, auth: new GatewayAuthSettings('token', 'x'.repeat(32), []) }),
      { logger: false },
    );
    try {
      const actual = Object.fromEntries(
        app
          .get(RpcRegistry)
          .entries()
          .map((entry) => [entry.name, { role: entry.role, scope: entry.scope }]),
      );
      expect(actual).toEqual(EXPECTED_PERMISSIONS);
    } finally {
      await app.close();
      fs.rmSync(stateDir, { recursive: true, force: true });
    }
  });
});
