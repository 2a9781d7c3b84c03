import type { LogLevel } from '#lib/config';

const ORDER: LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'];

export type Log = (level: LogLevel, event: string, fields?: Record<string, unknown>) => void;

/** JSON lines on stdout, one object per event (what the process tests and log shippers read). */
export function jsonLog(service: string, minimum: LogLevel): Log {
  const max = ORDER.indexOf(minimum);
  return (level, event, fields = {}) => {
    if (ORDER.indexOf(level) > max) return;
    const line = { time: new Date().toISOString(), level, service, event, ...fields };
    process.stdout.write(`${JSON.stringify(line)}\n`);
  };
}
