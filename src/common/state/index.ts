export * from './secret-file';
export * from './tls-paths';
export * from './atomic-secret-file';
