// The two functions of `semver` that test/install.test.ts uses (the package ships no types).
declare module 'semver' {
  export function minVersion(range: string): { version: string } | null;
  export function satisfies(version: string, range: string, options?: { includePrerelease?: boolean }): boolean;
  const semver: { minVersion: typeof minVersion; satisfies: typeof satisfies };
  export default semver;
}
