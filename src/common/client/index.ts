export * from './backoff';
export * from './client-errors';
export * from './gateway-client';
