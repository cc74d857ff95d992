/* eslint-disable @typescript-eslint/no-require-imports -- jest.isolateModules loads fresh copies only through require */
describe('nest-preload', () => {
  const original = Intl.DateTimeFormat;
  afterEach(() => Reflect.set(Intl, 'DateTimeFormat', original));

  it("loads Nest without building a date formatter, and Nest's logger still formats timestamps", () => {
    // Arrange: count every real formatter built from here on.
    let built = 0;
    class CountingDateTimeFormat extends original {
      constructor(...args: ConstructorParameters<typeof Intl.DateTimeFormat>) {
        super(...args);
        built++;
      }
    }
    Reflect.set(Intl, 'DateTimeFormat', CountingDateTimeFormat);

    // Act
    let stamp!: () => string;
    jest.isolateModules(() => {
      require('./nest-preload');
      const nest = require('@nestjs/common') as typeof import('@nestjs/common');
      const logger = new (class extends nest.ConsoleLogger {
        stamp = () => this.getTimestamp();
      })();
      stamp = logger.stamp;
    });
    const builtWhileLoading = built;
    const timestamp = stamp();

    // Assert
    expect(builtWhileLoading).toBe(0);
    expect(Intl.DateTimeFormat).toBe(CountingDateTimeFormat);
    expect(built).toBe(1);
    expect(timestamp).toMatch(/\d{4}/);
  });
});
