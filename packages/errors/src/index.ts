export { ErrorCode, errorCodeName } from './codes.js';
export { LuckyError, isLuckyError, isSystemError } from './lucky-error.js';
export { reportError, type ErrorReportContext } from './report-error.js';
