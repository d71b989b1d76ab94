#!/bin/sh
# Ownership of a WordPress tree, as the wordpress role of do-converge wants it: the code belongs
# to root (the web server cannot rewrite it), wp-content to www-data (uploads, plugin and theme
# updates); wp-config.php has its own owner and mode (root:www-data 0640) and is left alone.
# Prints how many paths differ on each side ("0 0": none) and fixes them; with --list it only
# counts, changing nothing (the role's read, which leaves its snapshot of the host standing).
#   sh wordpress-ownership.sh [--list] WORDPRESS_ROOT
set -e
fix=1
if [ "$1" = --list ]; then fix=; shift; fi
r=${1:?usage: wordpress-ownership.sh [--list] WORDPRESS_ROOT}
[ -d "$r/wp-content" ] || { echo "$r/wp-content: not a directory" >&2; exit 2; }
code=$(find "$r" \( -path "$r/wp-content" -o -path "$r/wp-config.php" \) -prune -o \( ! -user root -o ! -group root \) -print ${fix:+-exec chown -h root:root {} +} | wc -l)
content=$(find "$r/wp-content" \( ! -user www-data -o ! -group www-data \) -print ${fix:+-exec chown -h www-data:www-data {} +} | wc -l)
echo "$code $content"
