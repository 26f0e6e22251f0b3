import type { LogLevel, LogMetadata, Logger as TemporalLogger } from '@temporalio/common';
import { Runtime } from '@temporalio/worker';
import pino, { type Logger } from 'pino';

/** Each of our workers polls one kind of task by design; the SDK announces the other kind at every start. */
const expectedNotice = /^No (activities|workflows|Nexus services) registered, not polling/;

const pinoLevel: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/** SDK, worker, workflow and activity logs go through our pino logger (and its redaction). */
function temporalLoggerFor(logger: Logger): TemporalLogger {
  const log = (level: LogLevel, message: string, meta?: LogMetadata) => {
    if (expectedNotice.test(message)) return;
    logger[pinoLevel[level]]({ ...meta }, message);
  };
  return {
    log,
    trace: (message, meta) => log('TRACE', message, meta),
    debug: (message, meta) => log('DEBUG', message, meta),
    info: (message, meta) => log('INFO', message, meta),
    warn: (message, meta) => log('WARN', message, meta),
    error: (message, meta) => log('ERROR', message, meta),
  };
}

/**
 * Installs the process-wide Temporal runtime before any connection or worker exists. Signals are
 * left to our entry points, which stop the gateway before the workers and the workers before the
 * server, instead of the SDK shutting workers down on its own.
 */
export function installTemporalRuntime(logger: Logger): void {
  // The SDK's INFO lines (bundle statistics, worker state changes) drown our own; debug shows them.
  const level = logger.levelVal >= pino.levels.values.warn || logger.levelVal <= pino.levels.values.debug ? logger.level : 'warn';
  Runtime.install({ logger: temporalLoggerFor(logger.child({ component: 'temporal' }, { level })), shutdownSignals: [] });
}
