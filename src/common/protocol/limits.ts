/**
 * Budgets for what peers send (docs/protocol.md, "Limits"). They live here,
 * beside the frame types, so the gateway, the node host and the CLI agree on
 * them without importing the server.
 */

/**
 * Deepest nesting of arrays and objects a frame may have, the frame object
 * itself counting as level 1. JSON.stringify recurses, so a value nested a few
 * thousand levels deep overflows the stack when the gateway writes it back
 * out; 64 levels is far beyond any real params or node result.
 */
export const MAX_FRAME_DEPTH = 64;

/** The same bound for JSON carried inside a string field (payloadJSON), which the frame check cannot see into. */
export const MAX_EMBEDDED_JSON_DEPTH = MAX_FRAME_DEPTH;

/** Commands one node may declare in connect; real nodes declare a few dozen. */
export const MAX_NODE_COMMANDS = 1_024;
/** Capabilities one node may declare in connect. */
export const MAX_NODE_CAPS = 256;
/** Keys in a node's connect.permissions. */
export const MAX_NODE_PERMISSIONS = 256;
/** Scopes an operator may ask for; there are only a handful. */
export const MAX_CONNECT_SCOPES = 32;
/** Length of one command, capability, scope or permission name. */
export const MAX_NAME_LENGTH = 256;
/** Length of the message a node gives for a failed command. */
export const MAX_NODE_ERROR_MESSAGE_LENGTH = 4_096;

/** Exec approval prompts one node may keep waiting at once, so one node cannot take the gateway's whole budget. */
export const MAX_PENDING_APPROVALS_PER_NODE = 10;
