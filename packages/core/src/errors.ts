// Lucky's one error type lives in @lucky/errors; core's modules import it from here.
export { ErrorCode, LuckyError, errorCodeName, isLuckyError, isSystemError } from '@lucky/errors';
