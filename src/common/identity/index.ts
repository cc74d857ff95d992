export * from './device-signature';
export * from './device-identity';
export * from './identity-store';
