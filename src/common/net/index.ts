export * from './bind';
export * from './client-address';
