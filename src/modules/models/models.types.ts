export type { ModelChoice } from '../../common/protocol';
