export * from './config.constants';
export type * from './config.schema';
export * from './config-error';
export * from './load-config';
export * from './node-config';
export * from './resolve-features';
export * from './config-edit';
export * from './config-secrets';
export * from './config-source';
