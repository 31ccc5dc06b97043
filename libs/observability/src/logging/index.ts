export { logContext, loggingModule, type RequestLogContext } from './logging.js';
export { LOG_CONFIG_SHAPE, LOG_FORMATS, LOG_LEVELS, loggingSettingsOf, type LogFormat, type LoggingSettings, type LogLevel, type LogOutput, type LogVariables } from './log-config.js';
export { prettyLogStream } from './pretty-log.js';
export { QuietStartLogger } from './quiet-start-logger.js';
