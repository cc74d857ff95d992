export * from './constants';
export * from './frames';
export * from './roles';
export * from './connect';
export * from './events';
export * from './exec-approval';
export * from './wire-types';
export * from './methods';
