/** The version of Lucky; kept equal to package.json by test/workspace.test.ts. */
export const VERSION = '0.1.0';
