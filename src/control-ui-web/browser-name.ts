/**
 * "Firefox on Linux", "Safari on iPhone": how this page's device is named in
 * pairing requests and device lists. Each browser profile has its own device
 * key, so a name built from the browser and the OS tells the owner which of
 * their browsers is asking; "Control UI" alone did not. Pure (no DOM), so it
 * is unit-tested from user-agent strings; anything unrecognised still yields
 * a usable name.
 */
export function browserDeviceName(userAgent: string, platformHint = ''): string {
  return `${browserName(userAgent)} on ${osName(userAgent, platformHint)}`;
}

// Order matters: Edge and Opera also say "Chrome", Chrome also says "Safari".
const BROWSERS: ReadonlyArray<readonly [RegExp, string]> = [
  [/\bEdg(?:e|A|iOS)?\//, 'Edge'],
  [/\bOPR\/|\bOpera\b/, 'Opera'],
  [/\bSamsungBrowser\//, 'Samsung Internet'],
  [/\bFirefox\/|\bFxiOS\//, 'Firefox'],
  [/\bHeadlessChrome\//, 'Headless Chrome'],
  [/\bCriOS\/|\bChrome\//, 'Chrome'],
  [/\bChromium\//, 'Chromium'],
  [/\bVersion\/[\d.]+.*\bSafari\//, 'Safari'],
];

const SYSTEMS: ReadonlyArray<readonly [RegExp, string]> = [
  [/\biPhone\b/, 'iPhone'],
  [/\biPad\b/, 'iPad'],
  [/\bAndroid\b/, 'Android'],
  [/\bCrOS\b/, 'ChromeOS'],
  [/\bWindows\b/, 'Windows'],
  [/\bMac OS X\b|\bMacintosh\b|\bMacIntel\b/, 'macOS'],
  [/\bLinux\b|\bX11\b/, 'Linux'],
];

function browserName(userAgent: string): string {
  return BROWSERS.find(([pattern]) => pattern.test(userAgent))?.[1] ?? 'Browser';
}

function osName(userAgent: string, platformHint: string): string {
  const text = `${userAgent} ${platformHint}`;
  return SYSTEMS.find(([pattern]) => pattern.test(text))?.[1] ?? 'an unknown system';
}
