#!/bin/sh
# Installs the system libraries the Python packages need (pyzbar needs libzbar0, label PDFs need a CJK TrueType
# font, tests need chromium and poppler). As root it uses apt-get; otherwise it says what to install and, for the
# optional test tools, lets the tests skip with a visible reason.
#   sh scripts/sysdeps.sh run    libraries the app needs to run
#   sh scripts/sysdeps.sh test   plus chromium (browser tests) and poppler-utils (PDF rasterising)
set -u
want="$1"
need=""
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
for p in libzbar0 fonts-wqy-microhei cups-client; do have_pkg "$p" || need="$need $p"; done
if [ "$want" = test ]; then
  for p in chromium poppler-utils; do have_pkg "$p" || need="$need $p"; done
fi
[ -z "$need" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "sysdeps: installing$need"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends $need >/dev/null && exit 0
  echo "sysdeps: apt-get failed for:$need" >&2
  exit 1
fi
echo "sysdeps: missing system packages:$need" >&2
echo "sysdeps: install them with: sudo apt-get install$need" >&2
case "$need" in
  *libzbar0*) echo "sysdeps: libzbar0 is required (pyzbar cannot load without it)" >&2; exit 1;;
esac
echo "sysdeps: continuing; tests that need the missing tools skip with a reason" >&2
exit 0
