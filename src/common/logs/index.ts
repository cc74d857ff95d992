export * from './log-line';
export * from './peer-text';
