#!/usr/bin/env bash
# MIT Kerberos for the SPNEGO tests: a KDC (krb5kdc, kdb5_util, kadmin.local), the client tools (kinit)
# and the headers python-gssapi builds against. Installed with apt-get when running as root (CI, a
# fresh Debian machine); otherwise it says what to install, and the Kerberos tests skip.
set -euo pipefail

needed=(/usr/sbin/krb5kdc /usr/sbin/kdb5_util /usr/sbin/kadmin.local /usr/bin/kinit /usr/bin/krb5-config)
missing=0
for tool in "${needed[@]}"; do
  [ -x "$tool" ] || missing=1
done
[ "$missing" = 0 ] && exit 0

packages=(krb5-kdc krb5-admin-server krb5-user libkrb5-dev)
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing MIT Kerberos (for the gateway's SPNEGO tests): ${packages[*]}"
  apt-get update -qq
  # The packages' debconf questions (default realm, servers) are answered later by each test's own krb5.conf.
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
  # Debian starts the packaged KDC services; the tests run their own KDC per realm, so stop those.
  for service in krb5-kdc krb5-admin-server; do
    command -v service >/dev/null && service "$service" stop >/dev/null 2>&1 || true
  done
else
  echo "MIT Kerberos is not installed, so the gateway's Kerberos tests will be skipped." \
       "Install it with: sudo apt-get install ${packages[*]}" >&2
fi
