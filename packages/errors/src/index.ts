export { ErrorCode, errorCodeName } from './codes.js';
export { LuckyError, isLuckyError, isSystemError } from './lucky-error.js';
