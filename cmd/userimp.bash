# userimp.bash: bash completion for userimp(1): commands, options, their
# values, subcommands, settings and table files.  Installed as
# share/bash-completion/completions/userimp.  The commands are the
# userimp-* programs in the exec path and each command's options come from
# its own 'userimp CMD --help' when completing, so neither drifts from the
# programs installed.

# The folder of the userimp-* programs: $USERIMP_EXEC_PATH, else the one
# make install wrote in, else libexec/userimp beside the userimp in PATH.
_userimp_exec_dir()
{
	local d=${USERIMP_EXEC_PATH:-@LIBEXECDIR@} u

	if [[ $d == @*@ ]]; then
		u=$(type -P userimp) || return 1
		d=${u%/*}/../libexec/userimp
	fi
	printf '%s\n' "$d"
}

# The commands, one a line: userimp-* in the exec path, else the ones
# 'userimp --help' lists.
_userimp_commands()
{
	local d f n=0

	if d=$(_userimp_exec_dir); then
		for f in "$d"/userimp-*; do
			f=${f##*/userimp-}
			[[ $f =~ ^[a-z]+$ && -x $d/userimp-$f ]] || continue
			printf '%s\n' "$f"
			n=$((n + 1))
		done
	fi
	if ((n == 0)); then
		"$1" --help 2>/dev/null |
		    sed -n 's/^   \([a-z][a-z]*\)  .*/\1/p'
	fi
}

# Read 'PROG CMD --help' once per command into _userimp_opts[CMD] (the
# options), _userimp_arg["CMD OPT"] (the placeholder an option takes, or
# its values as a|b|c) and _userimp_subs[CMD] (subcommands such as jobs
# show).  The shared options of cmd/cmd.h are added: usage lines name
# only their short forms.
_userimp_parse()
{
	local prog=$1 cmd=$2 w next depth=0 i after=0 words o
	local -a t

	[[ -n ${_userimp_opts[$cmd]+set} ]] && return
	words=$("$prog" "$cmd" --help 2>/dev/null |
	    sed 's/\[/ [ /g; s/\]/ ] /g')
	read -r -d '' -a t <<< "$words"
	o="--db --quiet --verbose --json --wait --help --version"
	_userimp_arg["$cmd --db"]=db
	_userimp_arg["$cmd --wait"]=seconds
	_userimp_subs[$cmd]=
	for ((i = 0; i < ${#t[@]}; i++)); do
		w=${t[i]}
		next=${t[i+1]-}
		case $w in
		'[') depth=$((depth + 1)); continue ;;
		']') depth=$((depth - 1)); continue ;;
		userimp)
			[[ $next == "$cmd" ]] && after=1 && i=$((i + 1))
			continue ;;
		--?*|-?)
			o+=" $w"
			case $next in
			'['|']'|'|'|-*|'') ;;
			*) _userimp_arg["$cmd $w"]=$next; i=$((i + 1)) ;;
			esac ;;
		-??*)	# -qv: flags only
			;;
		*)
			# the first word after "userimp CMD" outside brackets:
			# a subcommand, or a placeholder such as "file"
			if ((after && depth == 0)); then
				case $w in
				file|dir|key|value|name|n|*[!a-z\|-]*) ;;
				*)
					_userimp_subs[$cmd]+=" ${w//|/ }"
					# "disable | enable": one more
					if [[ $next == '|' ]]; then
						i=$((i + 1))
						continue
					fi ;;
				esac
			fi ;;
		esac
		((depth == 0)) && [[ $w != userimp ]] && after=0
	done
	_userimp_opts[$cmd]=$(printf '%s\n' $o | sort -u | tr '\n' ' ')
}

# Files that hold tables, and folders, for the word being completed.
_userimp_tables()
{
	local f IFS=$'\n'

	compopt -o filenames 2>/dev/null
	for f in $(compgen -f -- "$cur"); do
		if [[ -d $f ]]; then
			COMPREPLY+=("$f")
			continue
		fi
		case ${f,,} in
		*.xlsx|*.xlsm|*.csv|*.tsv|*.txt) COMPREPLY+=("$f") ;;
		esac
	done
}

# The values of option opt of command cmd, for the word cur.
_userimp_values()
{
	local a=${_userimp_arg["$cmd $1"]-} IFS=$'\n'

	case $a in
	'') return 1 ;;
	file|db)
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -f -- "$cur")) ;;
	dir)
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -d -- "$cur")) ;;
	*\|*)
		# a|b|c lists values; "n|p%" and "name|n" are placeholders
		if [[ $a =~ ^[a-z]{2,}(\|[a-z]{2,})+$ ]]; then
			COMPREPLY=($(compgen -W "${a//|/$'\n'}" -- "$cur"))
		fi ;;
	esac
	return 0
}

# The settings' keys (or, after a key, its value) of the store the words
# name with -d or --db.
_userimp_config()
{
	local i db=() n=0 key=

	for ((i = cword + 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		-d|--db) db=(-d "${COMP_WORDS[i+1]}"); i=$((i + 1)) ;;
		--db=*) db=(-d "${COMP_WORDS[i]#--db=}") ;;
		--wait) i=$((i + 1)) ;;
		-*) ;;
		*) n=$((n + 1)); key=${COMP_WORDS[i]} ;;
		esac
	done
	if ((n == 0)); then
		COMPREPLY=($(compgen -W "$("$prog" config "${db[@]}" --wait 0 \
		    2>/dev/null | sed -n 's/^\([^=]*\)=.*/\1/p')" -- "$cur"))
	elif ((n == 1)); then
		COMPREPLY=($(compgen -W "$("$prog" config "${db[@]}" --wait 0 \
		    2>/dev/null | sed -n "s/^$key=\(..*\)/\1/p")" -- "$cur"))
	fi
}

_userimp()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]-}
	local prog=${COMP_WORDS[0]} cmd= cword=0 i w opt n

	COMPREPLY=()
	declare -gA _userimp_opts _userimp_arg _userimp_subs
	[[ $prog == userimp-* || $prog == */userimp-* ]] &&
	    cmd=${prog##*userimp-} && prog=userimp
	if [[ -z $cmd ]]; then
		for ((i = 1; i < COMP_CWORD; i++)); do
			w=${COMP_WORDS[i]}
			[[ $w == -* ]] && continue
			cmd=$w
			cword=$i
			break
		done
	fi
	if [[ -z $cmd ]]; then
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "--help --version" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$(_userimp_commands "$prog")" \
			    -- "$cur"))
		fi
		return 0
	fi
	_userimp_parse "$prog" "$cmd"

	# an option's value: "--mode up", "--mode=up" (split at = by bash)
	opt=
	if [[ $cur == --*=* ]]; then
		opt=${cur%%=*}
		cur=${cur#*=}
	elif [[ $cur == = && $prev == -* ]]; then
		opt=$prev
		cur=
	elif [[ $prev == = ]]; then
		opt=${COMP_WORDS[COMP_CWORD-2]}
	elif [[ $prev == -* ]]; then
		opt=$prev
	fi
	if [[ -n $opt ]] && _userimp_values "$opt"; then
		return 0
	fi

	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "${_userimp_opts[$cmd]}" -- "$cur"))
		return 0
	fi

	# the operands before this one
	n=0
	for ((i = cword + 1; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		case $w in
		--*=*) ;;
		-*) [[ -n ${_userimp_arg["$cmd $w"]+set} ]] && i=$((i + 1)) ;;
		=) i=$((i + 1)) ;;
		*) n=$((n + 1)) ;;
		esac
	done
	case $cmd in
	import|check)
		((n == 0)) && _userimp_tables ;;
	config)
		_userimp_config ;;
	*)
		if ((n == 0)) && [[ -n ${_userimp_subs[$cmd]} ]]; then
			COMPREPLY=($(compgen -W "${_userimp_subs[$cmd]}" \
			    -- "$cur"))
		fi ;;
	esac
	return 0
}

complete -F _userimp userimp
