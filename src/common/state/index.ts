export * from './secret-file';
export * from './tls-paths';
