import {MARKER} from './marker.ts'
import {commandTable, type ProfileCommand} from './profile-commands.ts'

/**
 * Inserts profile-name completion into @oclif/plugin-autocomplete's zsh function file.
 *
 * The generated file is autoloaded: its body defines `_<bin>` and ends by calling it. The
 * call is replaced by code that keeps the generated function as `_<bin>_commands`, defines
 * `_<bin>` again to offer profile names where a command takes one and defer otherwise, and
 * calls that. Returns undefined when the file does not end the expected way (left as it is).
 */
export function withZshProfileCompletion(generated: string, bin: string, commands: readonly ProfileCommand[]): string | undefined {
  const lines = generated.trimEnd().split('\n')
  if (lines.at(-1)?.trim() !== `_${bin}`) return undefined
  return `${lines.slice(0, -1).join('\n')}\n${zshProfileCompletion(bin, commands)}`
}

function zshProfileCompletion(bin: string, commands: readonly ProfileCommand[]): string {
  const table = commandTable(commands)
    .map((entry) => `  ${entry}`)
    .join('\n')
  // No variable may be called \`path\`: zsh ties it to $PATH.
  return `
${MARKER} (added by ${bin} after the function above was generated)
__${bin}_profile_commands=(
${table}
)

# True when the word being completed is the profile argument of the command on the line.
__${bin}_completes_profile() {
  local entry command_words flags word expect count j
  local -a parts
  for entry in "\${__${bin}_profile_commands[@]}"; do
    command_words=\${entry%%|*}
    flags=" \${entry#*|} "
    parts=(\${=command_words})
    count=\${#parts}
    (( CURRENT > count + 1 )) || continue
    [[ "\${(j: :)words[2,count+1]}" == "$command_words" ]] || continue
    expect=0
    for (( j = count + 2; j < CURRENT; j++ )); do
      word=\${words[j]}
      if (( expect )); then expect=0
      elif [[ $word == -- ]]; then return 1
      elif [[ $word == -* ]]; then
        if [[ $word != *=* && $flags == *" $word "* ]]; then expect=1; fi
      else return 1
      fi
    done
    (( expect == 0 ))
    return
  done
  return 1
}

functions[_${bin}_commands]=$functions[_${bin}]

_${bin}() {
  if [[ \${words[CURRENT]} != -* ]] && __${bin}_completes_profile; then
    local expl
    local -a profiles
    profiles=(\${(f)"$(command ${bin} list --profiles 2>/dev/null)"})
    _wanted profiles expl 'profile' compadd -a profiles
    return
  fi
  _${bin}_commands "$@"
}

_${bin} "$@"
`
}
