import type { ValueTransformer } from 'typeorm';

/**
 * Instants are stored as epoch milliseconds in a BIGINT column: the same type, comparisons and parameters on SQLite
 * and PostgreSQL, and no time-zone conversions. PostgreSQL returns BIGINT as a string, hence the transformer.
 */
export const epochMs: ValueTransformer = {
  // Identity on the way in: update criteria (IsNull(), MoreThan(now)) pass through here too and must stay intact.
  to: (value: unknown) => value,
  from: (value: string | number | null) => (value === null ? null : Number(value)),
};
