#!/usr/bin/env bash
# OpenSSH sshd for the tests: its own config on 127.0.0.1:52222, a generated host key, key-only
# login for a test user (created if missing when we are root), SFTP subsystem.
# Verbs: packages | start DIR | env DIR | stop DIR (see README.md).
#
# As root the test user also gets a password and password logins are on, so password
# authentication is tested against a real sshd too. The password is the user's, not the
# instance's: made once, kept root-only in the user's home (.cpanbridge-test-password) and reused,
# so two instances (a developer's and a test run's) never invalidate each other's; DIR/password
# is a copy. When 52222 is taken, start takes the next free port up to 52321 (unless
# CPAN_BRIDGE_TEST_SSH_PORT asks for one); DIR/port remembers it for env.
#
# Exports CPAN_BRIDGE_TEST_SSH_HOST, _PORT, _USER, _KEY (private key file), _PASSWORD (only as
# root; empty otherwise), _KNOWN_HOSTS (a
# known_hosts file holding the host key), _CONFIG (an ssh_config with all of that, for
# `ssh -F`), _DIR (a directory the test user owns, for SFTP tests to write into; the same path is
# visible locally because client and server share this machine).
set -euo pipefail

PORT=${CPAN_BRIDGE_TEST_SSH_PORT:-52222}
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
if [ "$(id -u)" -eq 0 ]; then
  USER_NAME=${CPAN_BRIDGE_TEST_SSH_USER:-cpanbridge-test}
else
  USER_NAME=$(id -un)   # an unprivileged sshd can only log in its own user
fi

verb=${1:-}
dir=${2:-}

need_dir() {
  [ -n "$dir" ] || { echo "usage: $0 $verb DIR" >&2; exit 2; }
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  [ -z "${CPAN_BRIDGE_TEST_SSH_PORT:-}" ] && [ -f "$dir/port" ] && PORT=$(cat "$dir/port")
  return 0
}

print_env() {
  cat <<EOF
export CPAN_BRIDGE_TEST_SSH_HOST=127.0.0.1
export CPAN_BRIDGE_TEST_SSH_PORT=$PORT
export CPAN_BRIDGE_TEST_SSH_USER=$USER_NAME
export CPAN_BRIDGE_TEST_SSH_KEY=$dir/id_ed25519
export CPAN_BRIDGE_TEST_SSH_KNOWN_HOSTS=$dir/known_hosts
export CPAN_BRIDGE_TEST_SSH_CONFIG=$dir/ssh_config
export CPAN_BRIDGE_TEST_SSH_DIR=$dir/files
export CPAN_BRIDGE_TEST_SSH_PASSWORD=$(cat "$dir/password" 2>/dev/null || true)
EOF
}

case "$verb" in
  packages)
    echo openssh-server openssh-client
    ;;
  start)
    need_dir
    if [ -z "${CPAN_BRIDGE_TEST_SSH_PORT:-}" ]; then
      # Two runs probing at once may pick the same port: the loser's sshd fails to bind and says so.
      PORT=52222
      while port_busy "$PORT"; do
        PORT=$((PORT + 1))
        [ "$PORT" -le 52321 ] || { echo "sshd.sh: no free port in 52222..52321" >&2; exit 1; }
      done
    fi
    echo "$PORT" >"$dir/port"
    sshd=/usr/sbin/sshd
    [ -x "$sshd" ] || { echo "sshd.sh: no $sshd (apt-get install openssh-server)" >&2; exit 1; }
    if [ "$(id -u)" -eq 0 ]; then
      if ! getent passwd "$USER_NAME" >/dev/null; then
        useradd --create-home --shell /bin/sh --comment "CPAN Bridge tests" "$USER_NAME"
      fi
      # A '!' password means "locked" to sshd even for key logins; '*' means "no password".
      # A password of our own (sshd without PAM checks it against the shadow hash).
      keep="$(getent passwd "$USER_NAME" | cut -d: -f6)/.cpanbridge-test-password"
      [ -s "$keep" ] || (umask 077; head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$keep")
      chown root: "$keep" && chmod 0600 "$keep"
      (umask 077; cp "$keep" "$dir/password")
      echo "$USER_NAME:$(cat "$keep")" | chpasswd
      mkdir -p /run/sshd && chmod 0755 /run/sshd    # privilege separation directory
    fi
    # sshd reads authorized_keys as the user: the directory must be traversable by it.
    chmod 0755 "$dir"
    [ -f "$dir/ssh_host_ed25519_key" ] || ssh-keygen -q -t ed25519 -N '' -C cpanbridge-test-host -f "$dir/ssh_host_ed25519_key"
    [ -f "$dir/id_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -C cpanbridge-test-user -f "$dir/id_ed25519"
    cp "$dir/id_ed25519.pub" "$dir/authorized_keys"
    chmod 0644 "$dir/authorized_keys"
    echo "[127.0.0.1]:$PORT $(cut -d' ' -f1-2 "$dir/ssh_host_ed25519_key.pub")" >"$dir/known_hosts"
    mkdir -p "$dir/files"
    [ "$(id -u)" -ne 0 ] || chown "$USER_NAME:" "$dir/files"
    password_auth=no
    [ -s "$dir/password" ] && password_auth=yes
    sftp_server=internal-sftp
    [ -x /usr/lib/openssh/sftp-server ] && sftp_server=/usr/lib/openssh/sftp-server
    cat >"$dir/sshd_config" <<EOF
# cpanbridge test sshd
Port $PORT
ListenAddress 127.0.0.1
HostKey $dir/ssh_host_ed25519_key
PidFile $dir/sshd.pid
AuthorizedKeysFile $dir/authorized_keys
AllowUsers $USER_NAME
PubkeyAuthentication yes
PasswordAuthentication $password_auth
KbdInteractiveAuthentication no
PermitRootLogin no
StrictModes no
UsePAM no
UseDNS no
PrintMotd no
X11Forwarding no
AllowTcpForwarding no
MaxStartups 100:30:200
MaxSessions 100
LogLevel VERBOSE
Subsystem sftp $sftp_server
EOF
    cat >"$dir/ssh_config" <<EOF
Host cpanbridge-test 127.0.0.1
  HostName 127.0.0.1
  Port $PORT
  User $USER_NAME
  IdentityFile $dir/id_ed25519
  IdentitiesOnly yes
  UserKnownHostsFile $dir/known_hosts
  GlobalKnownHostsFile /dev/null
  StrictHostKeyChecking yes
  BatchMode yes
EOF
    "$sshd" -t -f "$dir/sshd_config"
    "$sshd" -f "$dir/sshd_config" -E "$dir/sshd.log"
    # Ready when a real login works (proves the port, the host key and the user key).
    for _ in $(seq 1 50); do
      if ssh -F "$dir/ssh_config" -o ConnectTimeout=2 cpanbridge-test true 2>"$dir/probe.err"; then
        echo "sshd: listening on 127.0.0.1:$PORT, user $USER_NAME, state in $dir" >&2
        print_env
        exit 0
      fi
      sleep 0.2
    done
    echo "sshd.sh: no login possible after 10 s" >&2
    cat "$dir/probe.err" "$dir/sshd.log" >&2 2>/dev/null || true
    exit 1
    ;;
  env)
    need_dir
    print_env
    ;;
  stop)
    need_dir
    [ -f "$dir/sshd.pid" ] || exit 0
    pid=$(cat "$dir/sshd.pid")
    if kill -TERM "$pid" 2>/dev/null; then
      for _ in $(seq 1 50); do
        # gone, or a zombie nobody reaps (PID 1 in some containers does not)
        state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null || echo X)
        case "$state" in X | Z) break ;; esac
        sleep 0.1
      done
    fi
    rm -f "$dir/sshd.pid"
    ;;
  *)
    echo "usage: $0 packages | start DIR | env DIR | stop DIR" >&2
    exit 2
    ;;
esac
