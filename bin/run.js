#!/usr/bin/env node
// Node's on-disk compile cache saves most of the parse time on every run after the first.
import {enableCompileCache} from 'node:module'

enableCompileCache?.()

const {execute, settings} = await import('@oclif/core')
// vault ships compiled JavaScript only: skip oclif's search for TypeScript sources on every hook.
settings.enableAutoTranspile = false
await execute({dir: import.meta.url})
