/** One pino logger for every process; the level comes from PULSE_LOG_LEVEL. */
import pino from "pino";

const g = globalThis as unknown as { __pulseLogger?: pino.Logger };

export const logger: pino.Logger = (g.__pulseLogger ??= pino({
  level: process.env.PULSE_LOG_LEVEL ?? (process.env.NODE_ENV === "test" ? "silent" : "info"),
  base: { proc: process.env.PULSE_PROCESS ?? "web" },
}));
