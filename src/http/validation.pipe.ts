import { ValidationError, ValidationPipe } from '@nestjs/common';
import { AppException } from '../common/errors/app.exception';

interface FieldError {
  field: string;
  messages: string[];
}

function flatten(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, messages: Object.values(error.constraints) }] : [];
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

/**
 * Request bodies: unknown fields are refused (no mass assignment), types are checked strictly, nothing is coerced.
 * Failures answer 400 `validation_failed` with every broken rule.
 */
export const createValidationPipe = () =>
  new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    // One message per field: the rule declared closest to the property is checked first.
    stopAtFirstError: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => {
      const fields = flatten(errors);
      const message =
        fields.flatMap((field) => field.messages).join('; ') || 'the request body is not valid';
      return new AppException('validation_failed', message, { details: { errors: fields } });
    },
  });
