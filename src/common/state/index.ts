export * from './secret-file';
