// The start path as bin/main.js loads it: one module (scripts/build.ts bundles this file and what it imports).
export {execJsonFromCache} from './exec-json.ts'
export {listFromStart} from './list.ts'
