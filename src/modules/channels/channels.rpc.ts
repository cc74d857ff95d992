import { Clock } from '../../common/clock';
import { RpcHandlers, RpcMethod } from '../gateway/rpc/rpc.decorators';
import { ChannelPairingService } from './access/channel-pairing.service';
import { ChannelsService } from './channels.service';
import { ChannelsStatusParams } from './dto/channels-status.params';
import { ChannelPairApproveParams } from './dto/pairing-approve.params';
import { ChannelPairListParams } from './dto/pairing-list.params';
import { SendParams } from './dto/send.params';
import { SendService } from './send/send.service';

@RpcHandlers()
export class ChannelsRpc {
  constructor(
    private readonly channels: ChannelsService,
    private readonly pairing: ChannelPairingService,
    private readonly sender: SendService,
    private readonly clock: Clock,
  ) {}

  @RpcMethod('channels.status', { scope: 'operator.read', params: ChannelsStatusParams })
  async status(p: ChannelsStatusParams) {
    return { ts: this.clock.now(), channels: await this.channels.status(p.probe ?? false) };
  }

  @RpcMethod('channel.pair.list', { scope: 'operator.pairing', params: ChannelPairListParams })
  pairList(p: ChannelPairListParams) {
    return { pending: this.pairing.list(p.channel) };
  }

  @RpcMethod('channel.pair.approve', { scope: 'operator.pairing', params: ChannelPairApproveParams })
  pairApprove(p: ChannelPairApproveParams) {
    return this.pairing.approve(p.channel, p.code);
  }

  @RpcMethod('send', { scope: 'operator.write', params: SendParams })
  send(p: SendParams) {
    return this.sender.send(p);
  }
}
