/**
 * class-validator, imported piece by piece. Its index loads every validator it
 * has, libphonenumber-js's metadata among them: about 150 ms and 7 MB at every
 * gateway start and CLI call, for decorators nestclaw never uses. Each piece
 * here is the same code the index would hand out (its per-file CommonJS
 * build), typed by the package's own declarations through tsconfig `paths`.
 * Import class-validator only through this file (a lint rule says so).
 */
import type { ValidationError } from 'class-validator/cjs/validation/ValidationError';
import { Validator } from 'class-validator/cjs/validation/Validator';
import type { ValidatorOptions } from 'class-validator/cjs/validation/ValidatorOptions';

export { ARRAY_MAX_SIZE, ArrayMaxSize, arrayMaxSize } from 'class-validator/cjs/decorator/array/ArrayMaxSize';
export { ARRAY_MIN_SIZE, ArrayMinSize, arrayMinSize } from 'class-validator/cjs/decorator/array/ArrayMinSize';
export { ARRAY_NOT_EMPTY, ArrayNotEmpty, arrayNotEmpty } from 'class-validator/cjs/decorator/array/ArrayNotEmpty';
export { Allow } from 'class-validator/cjs/decorator/common/Allow';
export { IS_IN, IsIn, isIn } from 'class-validator/cjs/decorator/common/IsIn';
export { IsOptional } from 'class-validator/cjs/decorator/common/IsOptional';
export { ValidateBy } from 'class-validator/cjs/decorator/common/ValidateBy';
export { ValidateIf } from 'class-validator/cjs/decorator/common/ValidateIf';
export { ValidateNested } from 'class-validator/cjs/decorator/common/ValidateNested';
export { MAX, Max, max } from 'class-validator/cjs/decorator/number/Max';
export { MIN, Min, min } from 'class-validator/cjs/decorator/number/Min';
export { IS_HEXADECIMAL, IsHexadecimal, isHexadecimal } from 'class-validator/cjs/decorator/string/IsHexadecimal';
export { IsIP } from 'class-validator/cjs/decorator/string/IsIP';
export { IS_LENGTH, Length, length } from 'class-validator/cjs/decorator/string/Length';
export { MATCHES, Matches, matches } from 'class-validator/cjs/decorator/string/Matches';
export { MAX_LENGTH, MaxLength, maxLength } from 'class-validator/cjs/decorator/string/MaxLength';
export { MIN_LENGTH, MinLength, minLength } from 'class-validator/cjs/decorator/string/MinLength';
export { IS_ARRAY, IsArray, isArray } from 'class-validator/cjs/decorator/typechecker/IsArray';
export { IS_BOOLEAN, IsBoolean, isBoolean } from 'class-validator/cjs/decorator/typechecker/IsBoolean';
export { IS_INT, IsInt, isInt } from 'class-validator/cjs/decorator/typechecker/IsInt';
export { IS_NUMBER, IsNumber, isNumber, type IsNumberOptions } from 'class-validator/cjs/decorator/typechecker/IsNumber';
export { IS_OBJECT, IsObject, isObject } from 'class-validator/cjs/decorator/typechecker/IsObject';
export { IS_STRING, IsString, isString } from 'class-validator/cjs/decorator/typechecker/IsString';
export { getMetadataStorage, MetadataStorage } from 'class-validator/cjs/metadata/MetadataStorage';
export type { ValidationArguments } from 'class-validator/cjs/validation/ValidationArguments';
export { ValidationTypes } from 'class-validator/cjs/validation/ValidationTypes';
export type { ValidationError, ValidatorOptions };

const validator = new Validator();

/** As the index's validateSync(object, options): nestclaw registers no container of its own. */
export function validateSync(object: object, options?: ValidatorOptions): ValidationError[] {
  return validator.validateSync(object, options);
}
