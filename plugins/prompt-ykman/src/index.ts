export {ykmanArgs} from './ykman-args.ts'
export {codeFromYkman, ykmanAvailability} from './ykman.ts'
