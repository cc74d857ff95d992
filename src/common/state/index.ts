export * from './secret-file';
export * from './tls-paths';
export * from './atomic-secret-file';
export * from './gateway-id';
export * from './state-lock';
