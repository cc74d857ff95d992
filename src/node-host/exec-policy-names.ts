/** The node's exec policies by name: light enough for the CLI to load when it only declares its options. */
export const EXEC_POLICIES = ['deny', 'allowlist', 'ask', 'full'] as const;
export type ExecPolicy = (typeof EXEC_POLICIES)[number];
export const DEFAULT_EXEC_POLICY: ExecPolicy = 'deny';
