export {answerCompletion, answerFromCache} from './answer.ts'
export {buildCompletionModel, type ModelHost, modelStamps, writeModel} from './build-model.ts'
export {readFreshModel, stamp, type Stamp} from './cache.ts'
export {type Completion, type CompletionSources, complete, type Directive} from './complete.ts'
export {
  type ArgSpec,
  type Choice,
  type CommandShape,
  type CommandSpec,
  type CompletionHints,
  type CompletionModel,
  completionModel,
  type FlagSpec,
  HELP_VALUES,
  type ModelOptions,
  type ValueKind,
} from './model.ts'
export {COMPLETE_COMMAND, type CompletionRequest, formatCompletion, parseRequest, shellWords, SHELLS, type Shell} from './request.ts'
export {bashScript, fishScript, fishSetupLine, MARKER, SAFE_BIN, type ScriptTarget, zshScript} from './scripts.ts'
export {completionFiles, completionOutOfDate, completionScripts, type ScriptHost} from './files.ts'
export {type CompletionHost, writeCompletion} from './write.ts'
