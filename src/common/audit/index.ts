export * from './address-kind';
export * from './audit-checks';
export * from './audit-facts';
export * from './audit.types';
export * from './file-checks';
export * from './run-audit';
export * from './secret-checks';
export * from './secret-keys';
