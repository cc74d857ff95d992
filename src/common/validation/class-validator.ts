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

export { ArrayMaxSize } from 'class-validator/cjs/decorator/array/ArrayMaxSize';
export { ArrayMinSize } from 'class-validator/cjs/decorator/array/ArrayMinSize';
export { ArrayNotEmpty } from 'class-validator/cjs/decorator/array/ArrayNotEmpty';
export { Allow } from 'class-validator/cjs/decorator/common/Allow';
export { IsIn } from 'class-validator/cjs/decorator/common/IsIn';
export { IsOptional } from 'class-validator/cjs/decorator/common/IsOptional';
export { ValidateBy } from 'class-validator/cjs/decorator/common/ValidateBy';
export { ValidateIf } from 'class-validator/cjs/decorator/common/ValidateIf';
export { ValidateNested } from 'class-validator/cjs/decorator/common/ValidateNested';
export { Max } from 'class-validator/cjs/decorator/number/Max';
export { Min } from 'class-validator/cjs/decorator/number/Min';
export { IsHexadecimal } from 'class-validator/cjs/decorator/string/IsHexadecimal';
export { IsIP } from 'class-validator/cjs/decorator/string/IsIP';
export { Length } from 'class-validator/cjs/decorator/string/Length';
export { Matches } from 'class-validator/cjs/decorator/string/Matches';
export { MaxLength } from 'class-validator/cjs/decorator/string/MaxLength';
export { MinLength } from 'class-validator/cjs/decorator/string/MinLength';
export { IsArray } from 'class-validator/cjs/decorator/typechecker/IsArray';
export { IsBoolean } from 'class-validator/cjs/decorator/typechecker/IsBoolean';
export { IsInt } from 'class-validator/cjs/decorator/typechecker/IsInt';
export { IsNumber } from 'class-validator/cjs/decorator/typechecker/IsNumber';
export { IsObject } from 'class-validator/cjs/decorator/typechecker/IsObject';
export { IsString } from 'class-validator/cjs/decorator/typechecker/IsString';
export { getMetadataStorage, MetadataStorage } from 'class-validator/cjs/metadata/MetadataStorage';
export type { ValidationArguments } from 'class-validator/cjs/validation/ValidationArguments';
export { ValidationTypes } from 'class-validator/cjs/validation/ValidationTypes';
export type { ValidationError, ValidatorOptions };

const validator = new Validator();

/** As the index's validateSync(object, options): nestclaw registers no container of its own. */
export function validateSync(object: object, options?: ValidatorOptions): ValidationError[] {
  return validator.validateSync(object, options);
}
