#!/usr/bin/env bash
# The student edition as students get it: `course release student`, commit it to a new
# git repository, clone that, and run the README's two commands in the clone
# (scripts/check_two_commands.sh). Slow (it installs the clone's own .venv), so it is a
# scripted check rather than a test; tests/publish/test_release.py covers the rest quickly.
#
# Usage (from the course folder, after `make env`): scripts/check_student_edition.sh [WORK_DIR]
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
work="${1:-$(mktemp -d)}"
mkdir -p "$work"
edition="$work/edition"
clone="$work/clone"
"$here/.venv/bin/course" release student "$edition"
git -C "$edition" init -q
git -C "$edition" add -A
git -C "$edition" -c user.name="course release" -c user.email="release@example.org" \
    commit -q -m "Student edition"
git clone -q "$edition" "$clone"
if grep -rlE "BEGIN SOLUTION|END SOLUTION" --include='*.ipynb' "$clone"; then
    echo "a notebook of the edition holds a solution marker"; exit 1
fi
[ ! -e "$clone/solutions" ] && [ ! -e "$clone/INSTRUCTORS.md" ] && [ ! -e "$clone/dist" ]
"$here/scripts/check_two_commands.sh" "$clone" "$work/logs"
echo "student edition checked in $clone"
