import {MARKER} from './marker.ts'
import {commandTable, type ProfileCommand} from './profile-commands.ts'

/**
 * Shell code appended to @oclif/plugin-autocomplete's bash function: when the word under the
 * cursor is the profile argument of a command that takes one, it offers the profile names
 * `<bin> list --profiles` prints; everywhere else it defers to the generated `_<bin>_autocomplete`.
 *
 * bash splits `--flag=value` into three words (`=` is in COMP_WORDBREAKS), hence the `=` case.
 */
export function bashProfileCompletion(bin: string, aliases: readonly string[], commands: readonly ProfileCommand[]): string {
  const table = commandTable(commands)
    .map((entry) => `  ${entry}`)
    .join('\n')
  return `
${MARKER} (added by ${bin} after the script above was generated)
__${bin}_profile_commands=(
${table}
)

# True when the word being completed is the profile argument of the command on the line.
__${bin}_completes_profile() {
  local IFS=$' \\t\\n' entry words flags word expect count j
  local -a parts
  for entry in "\${__${bin}_profile_commands[@]}"; do
    words=\${entry%%|*}
    flags=" \${entry#*|} "
    read -r -a parts <<< "$words"
    count=\${#parts[@]}
    (( COMP_CWORD > count )) || continue
    [[ "\${COMP_WORDS[*]:1:count}" == "$words" ]] || continue
    expect=0
    for (( j = count + 1; j < COMP_CWORD; j++ )); do
      word=\${COMP_WORDS[j]}
      if [[ $word == = ]]; then expect=1
      elif (( expect )); then expect=0
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

_${bin}_complete_with_profiles() {
  local cur=\${COMP_WORDS[COMP_CWORD]} name
  if [[ $cur != -* ]] && __${bin}_completes_profile; then
    COMPREPLY=()
    while IFS= read -r name; do
      [[ -n $name && $name == "$cur"* ]] && COMPREPLY+=("$name")
    done < <(command ${bin} list --profiles 2>/dev/null)
    return 0
  fi
  _${bin}_autocomplete
}

${[bin, ...aliases].map((name) => `complete -F _${bin}_complete_with_profiles ${name}`).join('\n')}
`
}
