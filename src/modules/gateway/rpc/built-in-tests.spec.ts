import 'reflect-metadata';
// eslint-disable-next-line no-restricted-imports -- the spec checks names against everything the package registers
import * as classValidator from 'class-validator';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayNotEmpty,
  IsArray,
  IsBoolean,
  IsHexadecimal,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  validateSync,
} from '../../../common/validation/class-validator';
import fc from 'fast-check';
import { BUILT_IN_TESTS } from './built-in-tests';

/** A one-property class carrying the decorator, so class-validator itself can be asked. */
function probeClass(decorate: PropertyDecorator): new () => { value?: unknown } {
  class Probe {
    value?: unknown;
  }
  decorate(Probe.prototype, 'value');
  return Probe;
}

/** Strings made of the characters validator.js counts differently (surrogate halves, presentation selectors) and plain ones. */
const trickyString = fc
  .array(fc.constantFrom('a', 'é', '\uD83D', '\uDE00', '\uFE0F', '\uFE0E', '0', 'f', ' '), { maxLength: 9 })
  .map((parts) => parts.join(''));
const anyValue = fc.oneof(
  trickyString,
  fc.string({ maxLength: 6, unit: 'binary' }),
  fc.integer({ min: -3, max: 12 }),
  fc.constantFrom(0.5, NaN, Infinity, -Infinity, null, undefined, true, false, {}, [], ['a'], ['a', 'b', 'c', 'd']),
  fc.array(fc.integer(), { maxLength: 5 }),
);

const CASES: Array<[string, PropertyDecorator, string, unknown[]]> = [
  ['IsString', IsString(), classValidator.IS_STRING, []],
  ['IsBoolean', IsBoolean(), classValidator.IS_BOOLEAN, []],
  ['IsInt', IsInt(), classValidator.IS_INT, []],
  ['IsNumber', IsNumber(), classValidator.IS_NUMBER, [{}]],
  [
    'IsNumber allowNaN',
    IsNumber({ allowNaN: true, allowInfinity: true }),
    classValidator.IS_NUMBER,
    [{ allowNaN: true, allowInfinity: true }],
  ],
  ['IsObject', IsObject(), classValidator.IS_OBJECT, []],
  ['IsArray', IsArray(), classValidator.IS_ARRAY, []],
  ['IsHexadecimal', IsHexadecimal(), classValidator.IS_HEXADECIMAL, []],
  ['IsIn', IsIn(['a', 3, null]), classValidator.IS_IN, [['a', 3, null]]],
  ['Min', Min(1), classValidator.MIN, [1]],
  ['Max', Max(5), classValidator.MAX, [5]],
  ['Matches', Matches(/^[a-f0-9]+$/), classValidator.MATCHES, [/^[a-f0-9]+$/]],
  ['ArrayNotEmpty', ArrayNotEmpty(), classValidator.ARRAY_NOT_EMPTY, []],
  ['ArrayMinSize', ArrayMinSize(2), classValidator.ARRAY_MIN_SIZE, [2]],
  ['ArrayMaxSize', ArrayMaxSize(3), classValidator.ARRAY_MAX_SIZE, [3]],
  ['MinLength(1)', MinLength(1), classValidator.MIN_LENGTH, [1]],
  ['MinLength(3)', MinLength(3), classValidator.MIN_LENGTH, [3]],
  ['MaxLength(2)', MaxLength(2), classValidator.MAX_LENGTH, [2]],
  ['MaxLength(5)', MaxLength(5), classValidator.MAX_LENGTH, [5]],
  ['Length(2, 4)', Length(2, 4), classValidator.IS_LENGTH, [2, 4]],
  ['Length(3)', Length(3), classValidator.IS_LENGTH, [3, undefined]],
];

describe('BUILT_IN_TESTS', () => {
  it.each(CASES)('%s answers exactly as the decorator does under class-validator', (_name, decorator, key, constraints) => {
    const Probe = probeClass(decorator);
    const test = BUILT_IN_TESTS[key];
    fc.assert(
      fc.property(anyValue, (value) => {
        const instance = Object.assign(new Probe(), { value });
        expect(test(value, constraints)).toBe(validateSync(instance).length === 0);
      }),
      { numRuns: 400 },
    );
  });

  it('counts a string with surrogate pairs and presentation selectors as validator.js does, not by .length', () => {
    // Arrange: one emoji (a surrogate pair) followed by a presentation selector is one character for validator.js.
    const emoji = '\uD83D\uDE00\uFE0F';

    // Act
    const atMostOne = BUILT_IN_TESTS[classValidator.MAX_LENGTH](emoji, [1]);
    const atLeastTwo = BUILT_IN_TESTS[classValidator.MIN_LENGTH](emoji, [2]);

    // Assert
    expect(atMostOne).toBe(true);
    expect(atLeastTwo).toBe(false);
  });

  it('has no entry under a name class-validator does not register one of its built-in decorators as', () => {
    const builtInNames = new Set(
      Object.entries(classValidator)
        .filter(([key, value]) => /^[A-Z_]+$/.test(key) && typeof value === 'string')
        .map(([, value]) => value as string),
    );

    expect(Object.keys(BUILT_IN_TESTS).filter((name) => !builtInNames.has(name))).toEqual([]);
  });
});
