import { RpcHandlers, RpcMethod } from '../gateway/rpc/rpc.decorators';
import type { RpcContext } from '../gateway/rpc/rpc-context';
import { NodePairRequestParams, NodePairVerifyParams } from './dto/node-pair.params';
import { PairRequestIdParams, RevokeDeviceTokenParams, RotateDeviceTokenParams } from './dto/pairing.params';
import { NodePairingService } from './node-pairing.service';
import { PairingService } from './pairing.service';

@RpcHandlers()
export class PairingRpc {
  constructor(
    private readonly devices: PairingService,
    private readonly nodes: NodePairingService,
  ) {}

  @RpcMethod('device.pair.list', { scope: 'operator.pairing' })
  listDevices() {
    const { pending, paired } = this.devices.list();
    return { pending: pending.map(({ publicKey: _key, ...rest }) => rest), paired };
  }

  @RpcMethod('device.pair.approve', { scope: 'operator.pairing', params: PairRequestIdParams })
  approveDevice(p: PairRequestIdParams) {
    return this.devices.approve(p.requestId);
  }

  @RpcMethod('device.pair.reject', { scope: 'operator.pairing', params: PairRequestIdParams })
  rejectDevice(p: PairRequestIdParams) {
    return this.devices.reject(p.requestId);
  }

  @RpcMethod('device.token.rotate', { scope: 'operator.pairing', params: RotateDeviceTokenParams })
  rotateToken(p: RotateDeviceTokenParams) {
    return { deviceId: p.deviceId, ...this.devices.rotateToken(p.deviceId, p.role) };
  }

  @RpcMethod('device.token.revoke', { scope: 'operator.pairing', params: RevokeDeviceTokenParams })
  revokeToken(p: RevokeDeviceTokenParams) {
    return this.devices.revoke(p.deviceId, { role: p.role, unpair: p.unpair });
  }

  @RpcMethod('node.pair.request', { scope: 'operator.pairing', params: NodePairRequestParams })
  requestNodePairing(p: NodePairRequestParams, ctx: RpcContext) {
    return this.nodes.request(p, ctx.connection.origin.clientAddress);
  }

  @RpcMethod('node.pair.list', { scope: 'operator.pairing' })
  listNodePairings() {
    return this.nodes.list();
  }

  @RpcMethod('node.pair.approve', { scope: 'operator.pairing', params: PairRequestIdParams })
  approveNode(p: PairRequestIdParams) {
    return this.nodes.approve(p.requestId);
  }

  @RpcMethod('node.pair.reject', { scope: 'operator.pairing', params: PairRequestIdParams })
  rejectNode(p: PairRequestIdParams) {
    return this.nodes.reject(p.requestId);
  }

  @RpcMethod('node.pair.verify', { scope: 'operator.pairing', params: NodePairVerifyParams })
  verifyNode(p: NodePairVerifyParams) {
    return this.nodes.verify(p.nodeId, p.token);
  }
}
