export * from './constants';
export * from './frames';
export * from './roles';
export * from './connect';
export * from './events';
export * from './exec-approval';
export * from './device-token-refusal';
export * from './node-identity';
