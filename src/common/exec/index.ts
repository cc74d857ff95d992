export * from './args-pattern';
export * from './env-policy';
