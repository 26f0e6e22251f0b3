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

export interface TemporalRuntimeOptions {
  /**
   * host:port for the SDK's Prometheus endpoint (`GET /metrics`, WORKER_METRICS_ADDRESS): the
   * SDK's own worker metrics and the ones our activities and workflows record through its metric
   * meter. Unset, nothing listens.
   */
  metricsAddress?: string;
}

/**
 * Installs the process-wide Temporal runtime before any connection or worker exists. Signals are
 * left to our entry points, which stop the gateway before the workers and the workers before the
 * server, instead of the SDK shutting workers down on its own.
 */
export function installTemporalRuntime(logger: Logger, options: TemporalRuntimeOptions = {}): void {
  // The SDK's INFO lines (bundle statistics, worker state changes) drown our own; debug shows them.
  const level = logger.levelVal >= pino.levels.values.warn || logger.levelVal <= pino.levels.values.debug ? logger.level : 'warn';
  Runtime.install({
    logger: temporalLoggerFor(logger.child({ component: 'temporal' }, { level })),
    shutdownSignals: [],
    ...(options.metricsAddress
      ? {
          telemetryOptions: {
            // Prometheus' conventions, as the gateway's prom-client metrics follow them: counters end
            // in _total, durations are seconds (the SDK's default is milliseconds without a suffix).
            metrics: { prometheus: { bindAddress: options.metricsAddress, countersTotalSuffix: true, useSecondsForDurations: true } },
          },
        }
      : {}),
  });
}
