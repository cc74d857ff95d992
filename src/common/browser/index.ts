export * from './browser-controller';
export * from './browser-errors';
export * from './browser-routes';
export * from './find-browser';
export * from './page-snapshot';
export * from './url-policy';
