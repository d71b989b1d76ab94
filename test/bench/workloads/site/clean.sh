rm -rf /srv/bench
id benchuser >/dev/null 2>&1 && userdel -r benchuser >/dev/null 2>&1
dpkg-query -W -f='${Status}' tree 2>/dev/null | grep -q "ok installed" && DEBIAN_FRONTEND=noninteractive apt-get -q remove -y tree >/dev/null
true
