#!/usr/bin/env bash
# The README's Layout block matches the tree: every folder it names exists, and every
# folder of the tree (the top level, and one level down in clients/, servers/ and
# tools/) is named in it. Usage: layout_check.sh REPO_ROOT [README]
set -euo pipefail
root=$1
readme=${2:-$root/README.md}

# The fenced block after "## Layout": each folder token ends in '/'.
block=$(awk '/^## Layout/{f=1} f&&/^```/{c++; if(c==2) exit; next} f&&c==1' "$readme")
[ -n "$block" ] || { echo "layout_check: no Layout block in $readme"; exit 1; }
named=$(grep -oE '^[a-z_]+/([a-z0-9_.]+/)*' <<<"$block" | sort -u || true)

fail=0
expand() {  # labs/stage0..stage4/ -> labs/stage0/ ... labs/stage4/
  if [[ $1 =~ ^(.*)stage([0-9])\.\.stage([0-9])/$ ]]; then
    for ((i = BASH_REMATCH[2]; i <= BASH_REMATCH[3]; i++)); do echo "${BASH_REMATCH[1]}stage$i/"; done
  else
    echo "$1"
  fi
}
while read -r token; do
  [ -n "$token" ] || continue
  for dir in $(expand "$token"); do
    if [ ! -d "$root/$dir" ]; then
      echo "README Layout names $dir, which is not in the tree"
      fail=1
    fi
  done
done <<<"$named"

# A folder counts as named when the block holds it, a folder below it, or (one level
# down) its name after a parent already named on that line ("observe/" under tools/).
files() {  # the tracked files; every file outside a checkout (the container has no .git)
  if git -C "$root" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    git -C "$root" ls-files
  else
    (cd "$root" && find . -type f -not -path './build*' | sed 's#^\./##')
  fi
}
tree=$(files | awk -F/ 'NF>1{print $1"/"} NF>2 && $1~/^(clients|servers|tools)$/{print $1"/"$2"/"}' | sort -u)
for dir in $tree; do
  case $dir in .*) continue ;; esac
  sub=${dir#*/}
  if ! grep -qE "(^|[[:space:]])$dir" <<<"$block" && { [ -z "$sub" ] || ! grep -qE "(^|[[:space:]])$sub" <<<"$block"; }; then
    echo "$dir is in the tree but not in README's Layout"
    fail=1
  fi
done
[ $fail = 0 ] && echo "README Layout matches the tree ($(wc -w <<<"$named") folders named)"
exit $fail
