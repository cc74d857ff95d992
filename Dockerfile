# nestclaw gateway image, for a VPS.
#
#   docker build -t nestclaw .
#   (umask 077; echo "NESTCLAW_GATEWAY_TOKEN=$(openssl rand -hex 32)" > nestclaw.env)
#   docker run -d --name nestclaw --restart unless-stopped \
#     -v nestclaw-data:/data --env-file nestclaw.env \
#     -p 127.0.0.1:18789:18789 nestclaw
#   docker exec nestclaw nestclaw status      # the CLI is on PATH in the image
#
# or `docker compose up -d` with docker-compose.yml. With Podman build in docker
# format, or the HEALTHCHECK is dropped: `podman build --format docker -t nestclaw .`
# (`BUILDAH_FORMAT=docker podman-compose up -d --build` for Compose).
#
# The image sets NESTCLAW_GATEWAY_BIND=lan: inside a container loopback is the
# container's own, so the gateway listens on the container's interfaces, and
# publishing the port on the HOST's 127.0.0.1 keeps it off the network. Being an
# environment variable, every `nestclaw` command in the container (status,
# security audit) sees that bind too. Reach the gateway with an SSH tunnel or
# Tailscale Serve on the host (README: "VPS + SSH tunnel", "VPS + Tailscale Serve").
#
# A non-loopback bind needs a secret you chose: without NESTCLAW_GATEWAY_TOKEN
# (or NESTCLAW_GATEWAY_PASSWORD, or gateway.auth.* in /data/nestclaw.json) the
# container exits at once and `docker logs` shows
#   nestclaw: refusing to listen on 0.0.0.0 (bind "lan") without a configured token: ...
# Publishing on all host interfaces (-p 18789:18789) exposes the gateway to
# every network the host is on: do that only on purpose, with gateway.tls on.
# Config and state (nestclaw.json, state.db, identity) live in /data.
# See docs/operations.md.

# Both stages must use the same image: better-sqlite3's native addon is built
# (or downloaded) for the exact Node ABI and glibc of the build stage.
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
# The toolchain is only needed when no prebuilt better-sqlite3 binary matches.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin
# Behind a registry mirror neither better-sqlite3's prebuilt binary (GitHub) nor
# node-gyp's header tarball (nodejs.org) can be downloaded. The Node image ships
# its headers in /usr/local/include/node; pointing node-gyp at them makes the
# build need only the npm registry and Debian's packages.
ENV npm_config_nodedir=/usr/local
# Node 20 images ship npm 10, which ignores package.json "allowScripts" and runs
# every install script. The project uses npm 11, whose `npm ci` honours that
# allowlist (better-sqlite3 allowed, the rest not); use the same major here.
ARG NPM_VERSION=11.19.1
RUN npm install -g "npm@${NPM_VERSION}" --no-fund --no-audit
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-fund --no-audit
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY bin ./bin
RUN npm run build \
 && npm prune --omit=dev --no-fund --no-audit
# A compiled better-sqlite3 leaves its object files, a test extension and the
# SQLite sources (~27 MB) beside the addon; only the addon is loaded at run time.
# The require below fails the build here rather than at the gateway's start.
RUN cd node_modules/better-sqlite3 \
 && mv build/Release/better_sqlite3.node /tmp/ \
 && rm -rf build deps src binding.gyp \
 && mkdir -p build/Release \
 && mv /tmp/better_sqlite3.node build/Release/ \
 && cd /src \
 && node -e "new (require('better-sqlite3'))(':memory:').prepare('select 1').get()"

FROM ${NODE_IMAGE} AS runtime
# Settings as environment variables, not flags, so `docker exec <c> nestclaw ...`
# reads the same bind and state dir as the gateway.
ENV NODE_ENV=production \
    NESTCLAW_STATE_DIR=/data \
    NESTCLAW_GATEWAY_BIND=lan
# tini as PID 1: it reaps orphaned grandchildren (commands run by host exec
# and their children) that Node as PID 1 would leave as zombies, and forwards
# SIGTERM to the gateway so `docker stop` is a clean shutdown.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin
# A fixed uid/gid so a host directory mounted at /data can be chowned to match
# (otherwise the gateway stops with "EPERM: operation not permitted, chmod '/data'"):
#   sudo chown -R 10001:10001 ./nestclaw-data && sudo chmod 700 ./nestclaw-data
RUN groupadd --system --gid 10001 nestclaw \
 && useradd --system --uid 10001 --gid nestclaw --home-dir /data --no-create-home \
      --shell /usr/sbin/nologin nestclaw \
 && mkdir -p /data \
 && chown nestclaw:nestclaw /data \
 && chmod 0700 /data \
 && ln -s /opt/nestclaw/bin/nestclaw /usr/local/bin/nestclaw
WORKDIR /opt/nestclaw
# Application files stay owned by root: the gateway process cannot rewrite its own code.
COPY --from=build /src/package.json ./package.json
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY --from=build /src/bin ./bin
USER nestclaw
# Declared after the chown above so a new named volume starts owned by nestclaw, mode 0700.
VOLUME /data
EXPOSE 18789
# The slim image has no curl; Node's built-in fetch does the probe. It follows
# NESTCLAW_GATEWAY_PORT; if you change the port with --port or the config file
# instead, override this check (docker run --health-cmd ...). It works with
# --bind loopback and --bind lan (0.0.0.0 includes 127.0.0.1), not with a
# custom bind to one non-loopback address.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.NESTCLAW_GATEWAY_PORT||18789)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# docker stop sends SIGTERM: the gateway sends a `shutdown` event, closes every
# socket with 1012 and exits 0 (docker's default 10 s stop timeout is enough).
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/bin/tini", "--", "node", "bin/nestclaw"]
CMD ["gateway", "run"]
