export * from './allowlist-match';
export * from './args-pattern';
export * from './env-policy';
export * from './exec-approvals-file';
export * from './path-glob';
export * from './exec-approvals-store';
