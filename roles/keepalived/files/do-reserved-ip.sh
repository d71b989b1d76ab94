#!/bin/sh
# keepalived notify script: on MASTER, assign the DigitalOcean Reserved IP to this droplet through
# the API; on BACKUP, FAULT or STOP, only record the state, which stops a MASTER attempt still
# retrying (assigning the address after losing MASTER would take it from the new MASTER).
#
#   do-reserved-ip.sh master|backup|fault|stop [SETTINGS_FILE]
#
# Settings (RESERVED_IP, DO_API_URL, DO_METADATA_URL, DO_TOKEN_FILE, ASSIGN_ATTEMPTS, ASSIGN_DELAY)
# come from a root-owned file written by the keepalived role. The API token is read from a
# root-only 0600 file and handed to curl on stdin (curl -K -), so it is never on a command line,
# in the environment or in this script. Messages go to syslog/the journal, never the token.
set -u

WHAT=${1:-}
SETTINGS=${2:-/etc/keepalived/do-reserved-ip.env}
TAG=do-reserved-ip
# The two DO_RESERVED_IP_* variables are for tests, which run this as an ordinary user.
STATE_DIR=${DO_RESERVED_IP_STATE_DIR:-/run/keepalived-do}
STATE_FILE=$STATE_DIR/state

say() {
  if [ "${DO_RESERVED_IP_LOG:-}" = stderr ]; then
    printf '%s[%s] %s: %s\n' "$TAG" "$$" "$1" "$2" >&2
  else
    logger -t "$TAG" -p "daemon.$1" -- "$2"
  fi
}
log() { say notice "$*"; }
err() { say err "$*"; }

# The VRRP state, written before taking the lock below so that a BACKUP/FAULT/STOP notification
# is never held up by a MASTER run that is still retrying.
mkdir -p "$STATE_DIR"
case $WHAT in
  master | backup | fault | stop)
    printf '%s\n' "$WHAT" >"$STATE_FILE.$$" && mv -f "$STATE_FILE.$$" "$STATE_FILE"
    ;;
  *)
    err "usage: $0 master|backup|fault|stop [settings]"
    exit 2
    ;;
esac
[ "$WHAT" = master ] || {
  log "VRRP state $WHAT: nothing to do"
  exit 0
}

# shellcheck source=/dev/null
. "$SETTINGS" || {
  err "cannot read $SETTINGS"
  exit 1
}

# One assignment at a time: keepalived may notify again while an earlier run is still retrying.
exec 9>"$STATE_DIR/lock"
flock 9

still_master() { [ "$(cat "$STATE_FILE" 2>/dev/null)" = master ]; }

meta() { curl -sf --max-time 5 "$DO_METADATA_URL/metadata/v1/$1"; }

# The metadata service can be briefly unreachable just when a peer died (the network is
# reconverging), so the id is retried like the assignment.
n=1
until id=$(meta id); do
  err "cannot read this droplet's id from $DO_METADATA_URL/metadata/v1/id (attempt $n of $ASSIGN_ATTEMPTS)"
  [ "$n" -lt "$ASSIGN_ATTEMPTS" ] || exit 1
  still_master || {
    log "no longer MASTER: leaving $RESERVED_IP alone"
    exit 0
  }
  n=$((n + 1))
  sleep "$ASSIGN_DELAY"
done
case $id in
  '' | *[!0-9]*)
    err "the metadata service gave a droplet id that is not a number"
    exit 1
    ;;
esac

token=
IFS= read -r token <"$DO_TOKEN_FILE" || [ -n "$token" ] || {
  err "cannot read the API token from $DO_TOKEN_FILE"
  exit 1
}

body=$(mktemp) || exit 1
trap 'rm -f "$body"' EXIT

# Prints the HTTP status of the assign request; the answer's body goes to $body.
assign() {
  printf 'header = "Authorization: Bearer %s"\n' "$token" |
    curl -sS --max-time 20 -K - -o "$body" -w '%{http_code}' \
      -H 'Content-Type: application/json' \
      -d "{\"type\":\"assign\",\"droplet_id\":$id}" \
      "$DO_API_URL/v2/reserved_ips/$RESERVED_IP/actions" 2>>"$body"
}

n=1
while :; do
  if ! still_master; then
    log "no longer MASTER: leaving $RESERVED_IP alone"
    exit 0
  fi
  if [ "$(meta reserved_ip/ipv4/ip_address 2>/dev/null)" = "$RESERVED_IP" ]; then
    log "droplet $id already holds $RESERVED_IP"
    exit 0
  fi
  code=$(assign)
  case $code in
    2??)
      log "assigned $RESERVED_IP to droplet $id (HTTP $code, attempt $n)"
      exit 0
      ;;
  esac
  # The API's error message (e.g. a pending action on the address) says why; it holds no token.
  err "assigning $RESERVED_IP to droplet $id failed (HTTP ${code:-none}, attempt $n of $ASSIGN_ATTEMPTS): $(head -c 300 "$body" | tr '\n' ' ')"
  [ "$n" -lt "$ASSIGN_ATTEMPTS" ] || exit 1
  n=$((n + 1))
  sleep "$ASSIGN_DELAY"
done
