#!/bin/sh
# Render /etc/nginx/templates/*.template into /etc/nginx/conf.d/, substituting only SITE_DOMAIN and the
# NGINX_* variables (nginx's own $variables stay as they are), then start nginx.
set -eu
names=$(env | sed -n 's/^\(SITE_DOMAIN\|NGINX_[A-Z_]*\)=.*/${\1}/p' | tr '\n' ' ')
for template in /etc/nginx/templates/*.template; do
  envsubst "$names" < "$template" > "/etc/nginx/conf.d/$(basename "$template" .template)"
done
exec "$@"
