import { pino } from 'pino';
import type { LogLevel } from '#lib/config';

export type Log = (level: LogLevel, event: string, fields?: Record<string, unknown>) => void;

/**
 * JSON lines on stdout, one object per event (`time`, `level`, `service`, `event`, fields): what
 * log shippers and the process tests read. pino writes them without holding the event loop.
 */
export function jsonLog(service: string, minimum: LogLevel): Log {
  const logger = pino(
    {
      level: minimum,
      base: { service },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    pino.destination({ dest: 1, sync: false }),
  );
  return (level, event, fields = {}) => logger[level]({ ...fields, event });
}
