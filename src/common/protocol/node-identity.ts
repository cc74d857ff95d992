/**
 * Close reasons of the rule "one connection per node id, the newer wins"
 * (docs/protocol.md, "Node identity"). Clients match them to back off
 * instead of taking the id back at once, which would make two hosts sharing
 * one identity (a cloned image) flap for ever.
 */
export const NodeCloseReason = {
  /** Sent to the older connection when a newer one with the same node id took over. */
  Replaced: 'replaced by a newer connection with this node id',
  /** Sent to a displaced instance that came back while its successor is still connected. */
  IdentityInUse: 'node id in use by a newer connection (cloned identity?)',
} as const;

/** Ids of nodes that proved no device key live in their own namespace: never a device id (64 hex digits) nor a bare name. */
export const DEVICELESS_NODE_ID_PREFIX = 'client:';

export function isNodeIdentityConflict(closeReason: string | undefined): boolean {
  return closeReason === NodeCloseReason.Replaced || closeReason === NodeCloseReason.IdentityInUse;
}
