export * from './bind';
export * from './client-address';
export * from './fingerprint';
