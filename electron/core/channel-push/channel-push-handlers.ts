import type { Handlers } from '../../../shared/contract';
import type { ChannelPush } from './channel-push';

export type ChannelPushOperation = 'channels.connect' | 'channels.matches' | 'channels.status' | 'channels.pushes' | 'channels.retry' | 'channels.reconcile' | 'channels.drift';

/**
 * The channel-push operations of the contract. The channels' inventory webhooks are not contract
 * operations: the HTTP host checks their signature and hands them to `ChannelPush.receiveEcho`.
 */
export function createChannelPushHandlers({
  channelPush,
}: {
  channelPush: Pick<ChannelPush, 'connect' | 'matches' | 'status' | 'pushes' | 'retry' | 'reconcile' | 'drift'>;
}): Pick<Handlers, ChannelPushOperation> {
  return {
    'channels.connect': (input) => channelPush.connect(input.channel),
    'channels.matches': (input) => channelPush.matches(input.channel),
    'channels.status': () => channelPush.status(),
    'channels.pushes': (input) => channelPush.pushes(input),
    'channels.retry': (input) => channelPush.retry(input),
    'channels.reconcile': (input) => channelPush.reconcile(input.channel),
    'channels.drift': (input) => channelPush.drift(input),
  };
}
