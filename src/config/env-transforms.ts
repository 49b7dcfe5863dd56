import { Transform } from 'class-transformer';

/** Turns "3000" into 3000 and leaves anything non-numeric for @IsInt to reject with the variable's name. */
export const toInt = () =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value.trim()) : value,
  );

export const trimmed = () =>
  Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value));
