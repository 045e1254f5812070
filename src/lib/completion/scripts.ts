import {COMPLETE_COMMAND} from './request.ts'

/** First line of vault's completion functions (after zsh's `#compdef`); their presence means vault wrote the file. */
export const MARKER = '# vault: shell completion'

/** How a completion script calls vault: the program, its aliases and where the model is kept; and the version writing it. */
export interface ScriptTarget {
  bin: string
  aliases: readonly string[]
  cache: string
  version: string
}

/** Names a shell function may carry, and a command can be called by, without quoting. */
export const SAFE_BIN = /^[A-Za-z0-9][A-Za-z0-9_-]*$/

// The version in the header makes each release's scripts differ from the last one's: a vault that finds
// other scripts than its own writes them again (src/lib/completion/files.ts, src/hooks/completion.ts).
const header = ({bin, version}: ScriptTarget, shell: string): string =>
  `${MARKER} (${shell}) of ${bin} ${version.replaceAll(/[^\w.+-]/g, '?')}, written by \`${bin} autocomplete ${shell}\`, ` +
  `and again by \`${bin} autocomplete --refresh-cache\` or by the first command of another version.`

/** A word for bash and zsh, in single quotes. */
function posixQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`
}

/** A word for fish, in single quotes (where only \\ and \' are escapes). */
function fishQuote(value: string): string {
  return `'${value.replaceAll(/[\\']/g, '\\$&')}'`
}

/**
 * bash: each Tab hands vault the line up to the cursor and bash's word under it, and takes the
 * words vault prints; files, directories and the command line after `vault exec <profile> --`
 * go to bash's own completion (bash-completion's `_command_offset` when it is loaded).
 * Written for bash 3.2 too (macOS): no mapfile, no negative indexes.
 */
export function bashScript(target: ScriptTarget): string {
  const {aliases, bin, cache} = target
  return `${header(target, 'bash')}
_${bin}_complete() {
  local cur=\${COMP_WORDS[COMP_CWORD]} word reply directive count
  local -a replies=()
  COMPREPLY=()
  while IFS= read -r reply; do
    replies+=("$reply")
  done < <(command ${bin} ${COMPLETE_COMMAND} bash --cache=${posixQuote(cache)} --word="$cur" -- "\${COMP_LINE:0:COMP_POINT}" 2>/dev/null)
  count=\${#replies[@]}
  (( count > 0 )) || return 0
  directive=\${replies[count - 1]}
  unset "replies[count - 1]"
  # bash leaves a word break (= or :) as a word of its own; the word being completed is the empty one after it.
  word=$cur
  [[ $word == [=:] ]] && word=
  case $directive in
    :files*)
      compopt -o filenames 2>/dev/null
      while IFS= read -r reply; do COMPREPLY+=("$reply"); done < <(compgen -f -- "$word")
      ;;
    :directories*)
      compopt -o filenames 2>/dev/null
      while IFS= read -r reply; do COMPREPLY+=("$reply"); done < <(compgen -d -- "$word")
      ;;
    :command*)
      if declare -F _command_offset >/dev/null; then
        _command_offset $(( COMP_CWORD - \${directive#*$'\\t'} ))
      elif [[ \${directive#*$'\\t'} == 0 ]]; then
        while IFS= read -r reply; do COMPREPLY+=("$reply"); done < <(compgen -c -- "$word")
      else
        compopt -o filenames 2>/dev/null
        while IFS= read -r reply; do COMPREPLY+=("$reply"); done < <(compgen -f -- "$word")
      fi
      ;;
    *)
      COMPREPLY=("\${replies[@]}")
      ;;
  esac
  return 0
}
${[bin, ...aliases].map((name) => `complete -F _${bin}_complete ${name}`).join('\n')}
`
}

/**
 * zsh: an autoloaded function file (`#compdef`), whose body defines the function and calls it.
 * zsh matches and shows the descriptions itself; files and the command line after
 * `vault exec <profile> --` go to zsh's own completion.
 */
export function zshScript(target: ScriptTarget): string {
  const {aliases, bin, cache} = target
  return `#compdef ${[bin, ...aliases].join(' ')}
${header(target, 'zsh')}
# No variable may be called \`path\`: zsh ties it to $PATH.
_${bin}() {
  local -a replies candidates
  local directive reply value
  replies=("\${(@f)$(command ${bin} ${COMPLETE_COMMAND} zsh --cache=${posixQuote(cache)} -- "\${(@Q)words[2,CURRENT]}" 2>/dev/null)}")
  directive=\${replies[-1]}
  replies=("\${(@)replies[1,-2]}")
  case $directive in
    (:files*|:directories*)
      [[ -n \${directive#*$'\\t'} ]] && compset -P '*='
      if [[ $directive == :files* ]]; then _files; else _files -/; fi
      ;;
    (:command*)
      local before=\${directive#*$'\\t'}
      shift $(( CURRENT - 1 - before )) words
      (( CURRENT = before + 1 ))
      _normal
      ;;
    (*)
      for reply in $replies; do
        value=\${reply%%$'\\t'*}
        if [[ $reply == *$'\\t'* ]]; then
          candidates+=("\${value//:/\\\\:}:\${reply#*$'\\t'}")
        else
          candidates+=("\${value//:/\\\\:}")
        fi
      done
      (( \${#candidates} )) && _describe -t ${bin}-values '${bin}' candidates
      ;;
  esac
}

_${bin} "$@"
`
}

/** fish: a completion that asks vault on each Tab; fish matches and shows the descriptions itself. */
export function fishScript(target: ScriptTarget): string {
  const {aliases, bin, cache} = target
  return `${header(target, 'fish')}
function __${bin}_complete
    set -l words (commandline -opc)
    set -e words[1]
    set -l current (commandline -ct)
    set -l replies (command ${bin} ${COMPLETE_COMMAND} fish --cache=${fishQuote(cache)} -- $words "$current" 2>/dev/null)
    set -q replies[1]; or return
    set -l directive $replies[-1]
    set -e replies[-1]
    switch $directive
        case ':files*' ':directories*'
            set -l prefix (string replace -r '^[^\\t]*\\t' '' -- $directive)
            set -l partial (string sub -s (math (string length -- "$prefix") + 1) -- "$current")
            set -l found
            if string match -q ':files*' -- $directive
                set found (__fish_complete_path "$partial")
            else
                set found (__fish_complete_directories "$partial")
            end
            for path in $found
                printf '%s%s\\n' "$prefix" $path
            end
        case ':command*'
            set -l before (string replace -r '^[^\\t]*\\t' '' -- $directive)
            set -l tokens (commandline -opc)
            __fish_complete_subcommand --commandline $tokens[(math (count $tokens) - $before + 1)..-1] "$current"
        case '*'
            printf '%s\\n' $replies
    end
end
${[bin, ...aliases].map((name) => `complete -c ${name} -f -a '(__${bin}_complete)'`).join('\n')}
`
}

/** The line `vault autocomplete script fish` prints, for ~/.config/fish/completions/vault.fish. */
export function fishSetupLine(bin: string, functionsFile: string): string {
  return `test -f ${fishQuote(functionsFile)}; and source ${fishQuote(functionsFile)} # ${bin} autocomplete setup`
}
