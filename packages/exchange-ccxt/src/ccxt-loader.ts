// ccxt is loaded on first use only: `import('ccxt')` costs ~300 ms and ~60 MB of memory, and
// most installs never trade a ccxt venue. Nothing else in this package imports ccxt at run
// time (type imports are erased), so importing @mm/exchange-ccxt stays cheap; the first
// adapter connect() pays once per process.
import { EngineError } from '@mm/core';
import type { CcxtModule } from './ccxt-types.ts';

// A variable specifier keeps TypeScript from pulling in ccxt's huge declaration files.
const CCXT_SPECIFIER = 'ccxt';

let loading: Promise<CcxtModule> | undefined;
let loaded = false;

export function loadCcxt(): Promise<CcxtModule> {
  loading ??= (import(CCXT_SPECIFIER) as Promise<CcxtModule>).then(
    (module) => {
      loaded = true;
      return module;
    },
    (error: unknown) => {
      loading = undefined;
      throw new EngineError('INVALID_CONFIG', `the ccxt package could not be loaded (${error instanceof Error ? error.message : String(error)}); run "npm install -w @mm/exchange-ccxt"`, {
        cause: error,
      });
    },
  );
  return loading;
}

/** Whether this process has loaded ccxt (diagnostics and the lazy-loading test). */
export function isCcxtLoaded(): boolean {
  return loaded;
}
