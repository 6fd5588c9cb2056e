#!/bin/sh
# Fills in mm-engine.conf.template for a bare-metal install (Docker's nginx image does the same by
# itself). Only the MM_* variables are replaced; nginx's own $variables are left alone.
#   sudo MM_DOMAIN=mm.example.com \
#        MM_TLS_CERT=/etc/letsencrypt/live/mm.example.com/fullchain.pem \
#        MM_TLS_KEY=/etc/letsencrypt/live/mm.example.com/privkey.pem \
#        sh infra/nginx/render.sh > /etc/nginx/sites-available/mm-engine
# Optional: MM_UPSTREAM (127.0.0.1:8080), MM_HTTP_LISTEN (80), MM_HTTPS_LISTEN (443),
# MM_ACME_ROOT (/var/www/letsencrypt). Needs envsubst (Debian/Ubuntu package gettext-base).
set -eu
: "${MM_DOMAIN:?set MM_DOMAIN, the public name (e.g. mm.example.com)}"
: "${MM_TLS_CERT:?set MM_TLS_CERT, the certificate chain file (e.g. /etc/letsencrypt/live/<domain>/fullchain.pem)}"
: "${MM_TLS_KEY:?set MM_TLS_KEY, the private key file (e.g. /etc/letsencrypt/live/<domain>/privkey.pem)}"
MM_UPSTREAM="${MM_UPSTREAM:-127.0.0.1:8080}"
MM_HTTP_LISTEN="${MM_HTTP_LISTEN:-80}"
MM_HTTPS_LISTEN="${MM_HTTPS_LISTEN:-443}"
MM_ACME_ROOT="${MM_ACME_ROOT:-/var/www/letsencrypt}"
export MM_DOMAIN MM_TLS_CERT MM_TLS_KEY MM_UPSTREAM MM_HTTP_LISTEN MM_HTTPS_LISTEN MM_ACME_ROOT
command -v envsubst >/dev/null 2>&1 || { echo "envsubst not found: apt-get install gettext-base" >&2; exit 1; }
# shellcheck disable=SC2016 # the list names the variables; envsubst expands them
envsubst '${MM_DOMAIN} ${MM_TLS_CERT} ${MM_TLS_KEY} ${MM_UPSTREAM} ${MM_HTTP_LISTEN} ${MM_HTTPS_LISTEN} ${MM_ACME_ROOT}' < "$(dirname "$0")/mm-engine.conf.template"
