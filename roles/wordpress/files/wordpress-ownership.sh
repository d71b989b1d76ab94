#!/bin/sh
# Ownership of a WordPress tree, as the wordpress role of do-converge wants it: the code belongs
# to root (the web server cannot rewrite it), wp-content to www-data (uploads, plugin and theme
# updates); wp-config.php has its own owner and mode (root:www-data 0640) and is left alone.
# Fixes what differs and prints how many paths it fixed on each side: "0 0" means nothing.
#   sh wordpress-ownership.sh WORDPRESS_ROOT
set -e
r=${1:?usage: wordpress-ownership.sh WORDPRESS_ROOT}
[ -d "$r/wp-content" ] || { echo "$r/wp-content: not a directory" >&2; exit 2; }
code=$(find "$r" \( -path "$r/wp-content" -o -path "$r/wp-config.php" \) -prune -o \( ! -user root -o ! -group root \) -print -exec chown -h root:root {} + | wc -l)
content=$(find "$r/wp-content" \( ! -user www-data -o ! -group www-data \) -print -exec chown -h www-data:www-data {} + | wc -l)
echo "$code $content"
