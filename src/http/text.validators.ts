import { ValidateBy, ValidateIf, type ValidationOptions } from 'class-validator';

/** A UTF-16 surrogate without its pair: not a character, and refused by most downstream systems. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** Control (Cc) and invisible format (Cf: zero-width, bidi controls, soft hyphen) characters. */
const CONTROL_OR_FORMAT = /[\p{Cc}\p{Cf}]/u;
/** Control characters and the bidi embeddings, overrides and isolates that reorder displayed text. */
const CONTROL_OR_BIDI_OVERRIDE = /[\p{Cc}\u202A-\u202E\u2066-\u2069]/u;

export const hasLoneSurrogate = (value: string): boolean => LONE_SURROGATE.test(value);

/**
 * Only visible text: no control or invisible format character, no lone surrogate. For identifiers such as
 * emails, where an invisible character would make two addresses look the same.
 */
export const IsVisibleText = (options?: ValidationOptions) =>
  ValidateBy(
    {
      name: 'isVisibleText',
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' && !hasLoneSurrogate(value) && !CONTROL_OR_FORMAT.test(value),
        defaultMessage: (args) =>
          `${args?.property ?? 'the value'} must not contain control characters, invisible characters or lone surrogates`,
      },
    },
    options,
  );

/**
 * Display text such as a name: no control character, no bidi override that could reorder what others see, no
 * lone surrogate. Joiners that scripts and emoji need are allowed.
 */
export const IsDisplayText = (options?: ValidationOptions) =>
  ValidateBy(
    {
      name: 'isDisplayText',
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' &&
          !hasLoneSurrogate(value) &&
          !CONTROL_OR_BIDI_OVERRIDE.test(value),
        defaultMessage: (args) =>
          `${args?.property ?? 'the value'} must not contain control characters, bidirectional overrides or lone surrogates`,
      },
    },
    options,
  );

/** class-transformer step for display text: trimmed, NFC (one form per character). Non-strings pass through. */
export const displayText = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && !hasLoneSurrogate(value) ? value.trim().normalize('NFC') : value;

/** An optional field that, when present, must not be null (IsOptional lets null through unchecked). */
export const IsOptionalNotNull = () => ValidateIf((_object, value) => value !== undefined);
