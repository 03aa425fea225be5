#!/bin/bash -e
# Inside the arm64 root (qemu): the service user, the npm packages (native addons built for arm64), the services.
id dialtone >/dev/null 2>&1 || useradd --system --home-dir /var/lib/dialtone --no-create-home --shell /usr/sbin/nologin dialtone
for g in dialout gpio audio bluetooth; do
	getent group "$g" >/dev/null || groupadd --system "$g"
done
usermod -a -G dialout,gpio,audio,bluetooth dialtone
chown root:dialtone /etc/dialtone /etc/dialtone/dialtone.yaml
cd /opt/dialtone
export PATH="/usr/local/bin:${PATH}"
npm ci --omit=dev --no-audit --no-fund
# tsx runs the TypeScript sources; it is a devDependency in package.json, so install the locked version here.
tsx_version="$(node -p "require('./package-lock.json').packages['node_modules/tsx'].version")"
npm install --no-save --no-audit --no-fund "tsx@${tsx_version}"
/opt/dialtone/bin/dialtone.js config check /etc/dialtone/dialtone.yaml
systemctl enable dialtone-firstboot.service dialtone.service
# Nobody logs in: lock the first user's password.
passwd -l "${FIRST_USER_NAME:-dialtone-admin}" || true
