import type { ValueTransformer } from 'typeorm';

/**
 * Instants are stored as epoch milliseconds in a BIGINT column: the same type, comparisons and parameters on SQLite
 * and PostgreSQL, and no time-zone conversions. PostgreSQL returns BIGINT as a string, hence the transformer.
 */
export const epochMs: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => (value === null ? null : Number(value)),
};
