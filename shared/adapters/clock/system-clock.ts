import type { Clock } from '../../domain/ports.js';

/** The machine's clock, for the functions and commands (tests inject their own). */
export const systemClock: Clock = { now: () => new Date() };
