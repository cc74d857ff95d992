export * from './ssh-args';
export * from './ssh-diagnosis';
export * from './ssh-target';
export * from './ssh-tunnel';
export * from './temporary-tunnel';
