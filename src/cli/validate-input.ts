import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validate, type ValidationError } from 'class-validator';
import { usageError } from './cli.errors';

const messagesOf = (errors: ValidationError[]): string[] =>
  errors.flatMap((error) => [
    ...Object.values(error.constraints ?? {}),
    ...messagesOf(error.children ?? []),
  ]);

/**
 * What the command line gave, through the same DTO (and so the same rules and normalisation) as the HTTP API's
 * request; a broken rule is a usage error naming it.
 */
export async function validateInput<T extends object>(
  dto: ClassConstructor<T>,
  plain: Record<string, unknown>,
): Promise<T> {
  const defined = Object.fromEntries(
    Object.entries(plain).filter(([, value]) => value !== undefined),
  );
  const input = plainToInstance(dto, defined);
  const errors = await validate(input, { forbidUnknownValues: true, stopAtFirstError: true });
  const [first] = messagesOf(errors);
  if (first !== undefined) throw usageError(first);
  return input;
}
