#!/bin/bash
# The web build's size: what index.html loads at start (JS + CSS) and all JS, raw and gzip -9.
# Usage: npm run build:web && scripts/bundle-size.sh [out/renderer]
dir=${1:-out/renderer}
cd "$dir" || exit 1
startup=$(grep -oE '(src|href)="[^"]+\.(js|css)"' index.html | sed -E 's/.*="\/?//; s/"$//' | sort -u)
raw=0; gz=0
for f in $startup; do r=$(stat -c %s "$f"); g=$(gzip -9c "$f" | wc -c); raw=$((raw+r)); gz=$((gz+g)); done
echo "startup (index.html's JS+CSS): $(echo $startup | wc -w) files, $((raw/1000)) kB raw, $((gz/1000)) kB gzip"
araw=0; agz=0; n=0
for f in assets/*.js; do r=$(stat -c %s "$f"); g=$(gzip -9c "$f" | wc -c); araw=$((araw+r)); agz=$((agz+g)); n=$((n+1)); done
echo "all JS: $n files, $((araw/1000)) kB raw, $((agz/1000)) kB gzip"
big=$(ls -S assets/*.js | head -1); echo "largest chunk: $big $(( $(stat -c %s $big)/1000 )) kB"
