import {
  ARRAY_MAX_SIZE,
  ARRAY_MIN_SIZE,
  ARRAY_NOT_EMPTY,
  arrayMaxSize,
  arrayMinSize,
  arrayNotEmpty,
  IS_ARRAY,
  IS_BOOLEAN,
  IS_HEXADECIMAL,
  IS_IN,
  IS_INT,
  IS_LENGTH,
  IS_NUMBER,
  IS_OBJECT,
  IS_STRING,
  isArray,
  isBoolean,
  isHexadecimal,
  isIn,
  isInt,
  isNumber,
  IsNumberOptions,
  isObject,
  isString,
  length,
  MATCHES,
  matches,
  MAX,
  max,
  MAX_LENGTH,
  maxLength,
  MIN,
  min,
  MIN_LENGTH,
  minLength,
} from '../../../common/validation/class-validator';

/** A class-validator built-in decorator's check as a plain predicate over the value and the decorator's constraints. */
export type BuiltInTest = (value: unknown, constraints: readonly unknown[]) => boolean;

/**
 * Characters validator.js's isLength does not count one for one (the halves
 * of a surrogate pair, the emoji presentation selectors). A string without
 * any has exactly `.length` characters for it, which is nearly every string
 * on the wire; one with any takes validator.js's own count.
 */
const NOT_COUNTED_ONE_FOR_ONE = /[\uD800-\uDFFF]|\uFE0E|\uFE0F/;

function lengthWithin(value: string, low: unknown, high: unknown, exact: () => boolean): boolean {
  if (typeof low !== 'number' || (high !== undefined && typeof high !== 'number') || NOT_COUNTED_ONE_FOR_ONE.test(value)) {
    return exact();
  }
  // isLength reads a falsy min as 0, and undefined max as no upper bound.
  return value.length >= (low || 0) && (high === undefined || value.length <= high);
}

/**
 * The decorators the wire DTOs use, keyed by the name class-validator
 * registers them under, each calling the same exported function the
 * decorator's own validator calls, with the same constraints. Going straight
 * to it skips the ValidationArguments object and the wrappers around it on
 * every property of every frame; a decorator missing here keeps the generic
 * path, so this table is an optimisation only.
 */
export const BUILT_IN_TESTS: Readonly<Record<string, BuiltInTest>> = Object.freeze({
  [IS_STRING]: (value) => isString(value),
  [IS_BOOLEAN]: (value) => isBoolean(value),
  [IS_INT]: (value) => isInt(value),
  [IS_NUMBER]: (value, [options]) => isNumber(value, options as IsNumberOptions | undefined),
  [IS_OBJECT]: (value) => isObject(value),
  [IS_ARRAY]: (value) => isArray(value),
  [IS_HEXADECIMAL]: (value) => isHexadecimal(value),
  [IS_IN]: (value, [allowed]) => isIn(value, allowed as readonly unknown[]),
  [MIN]: (value, [bound]) => min(value, bound as number),
  [MAX]: (value, [bound]) => max(value, bound as number),
  [MATCHES]: (value, [pattern, modifiers]) => matches(value as string, pattern as string, modifiers as string),
  [ARRAY_NOT_EMPTY]: (value) => arrayNotEmpty(value),
  [ARRAY_MIN_SIZE]: (value, [bound]) => arrayMinSize(value, bound as number),
  [ARRAY_MAX_SIZE]: (value, [bound]) => arrayMaxSize(value, bound as number),
  [MIN_LENGTH]: (value, [low]) =>
    typeof value === 'string' && lengthWithin(value, low, undefined, () => minLength(value, low as number)),
  [MAX_LENGTH]: (value, [high]) =>
    typeof value === 'string' && lengthWithin(value, 0, high, () => maxLength(value, high as number)),
  [IS_LENGTH]: (value, [low, high]) =>
    typeof value === 'string' && lengthWithin(value, low, high, () => length(value, low as number, high as number)),
});
