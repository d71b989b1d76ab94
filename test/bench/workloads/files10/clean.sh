rm -rf /srv/bench
