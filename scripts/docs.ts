// `npm run docs`: builds, then writes docs/commands.md from the commands.
import {writeFileSync} from 'node:fs'

import {commandReference, referencePath} from './command-reference.ts'

writeFileSync(referencePath, await commandReference())
console.log(`wrote ${referencePath}`)
