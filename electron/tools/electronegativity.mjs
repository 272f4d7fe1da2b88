// Runs Electronegativity (Doyensec's Electron security scanner) over electron/ and fails on any
// finding. Electronegativity itself always exits 0, so this wrapper is what makes it a gate.
//
//   node electron/tools/electronegativity.mjs
//
// A finding that is reviewed and justified is silenced where it occurs, with the reason on the
// same line: `// eng-disable OPEN_EXTERNAL_JS_CHECK: only http(s) URLs reach here`.
// Checks left out of the whole run, and why:
const EXCLUDED_CHECKS = {
  // Fetches Electron's release list over the network (slow or impossible offline); Electron
  // upgrades are tracked with the other dependencies.
  AvailableSecurityFixesGlobalCheck: 'network-only version advisory',
  // Only recognises CSP written as a literal in a webRequest callback or an HTML meta tag. The
  // app sends its CSP as a header from the app:// protocol handler (main/app-protocol.ts,
  // main/security.ts, asserted by security.test.ts); the renderer's meta tag adds its own.
  CSPGlobalCheck: 'CSP is a response header of app://, tested in security.test.ts',
};

import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
// On start the scanner fetches translations with got@11, whose retry timer crashes the
// process under Node 24 when the host is unreachable (p-cancelable: "onCancel handler was
// attached after the promise settled"). English is bundled, so answer that fetch offline.
const scannerRequire = createRequire(require.resolve('@doyensec/electronegativity'));
const gotPath = scannerRequire.resolve('got');
require.cache[gotPath] = /** @type {any} */ ({
  id: gotPath,
  filename: gotPath,
  loaded: true,
  exports: () => Promise.reject(new Error('translations are not fetched')),
});
const run = require('@doyensec/electronegativity');
const electronVersion = require('electron/package.json').version;
const input = fileURLToPath(new URL('..', import.meta.url));

// The scanner logs a translation warning on every start; keep the output to findings.
const log = console.log;
console.log = () => {};
let result;
try {
  result = await run({
    input,
    output: undefined,
    isSarif: false,
    customScan: [],
    excludeFromScan: Object.keys(EXCLUDED_CHECKS).map((name) => name.toLowerCase()),
    severitySet: undefined,
    confidenceSet: undefined,
    isRelative: true,
    isVerbose: false,
    electronUpgrade: undefined,
    electronVersionOverride: electronVersion,
    parserPlugins: [],
  });
} finally {
  console.log = log;
}

const fatal = result.errors.filter((error) => !error.tolerable);
for (const error of fatal) console.error(`electronegativity: could not scan ${error.file}: ${error.message}`);
for (const issue of result.issues) {
  const where = `${issue.file}:${issue.location.line}:${issue.location.column}`;
  console.error(`electronegativity: ${issue.id} at ${where}: ${issue.description} (${issue.shortenedURL})`);
}
if (result.issues.length > 0 || fatal.length > 0) {
  console.error(
    `electronegativity: ${result.issues.length} finding(s). Fix them, or justify one with an ` +
      '`// eng-disable <CHECK_ID>: <why>` comment on its line.',
  );
  process.exit(1);
}
console.log(
  `electronegativity: no findings in ${input} (${result.globalChecks + result.atomicChecks} checks, Electron ${electronVersion})`,
);
