export * from './device-signature';
export * from './device-identity';
