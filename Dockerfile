# The emulator and the worker of docker-compose.yml: compiled TypeScript on node:20-slim.
# The Temporal binaries are not installed (scripts/install-temporal.js): the compose stack runs
# temporalio/server, and the worker only connects to it.

FROM node:20-slim AS build
WORKDIR /app
ENV ORCHESTRATOR_SKIP_TEMPORAL_INSTALL=1
COPY package.json package-lock.json ./
COPY scripts ./scripts
# `npm install`, not `npm ci`: the lock file is written where the registry mirror omits other
# platforms' optional packages, and `npm ci` refuses such a lock (see .ci/run).
RUN npm install --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

FROM node:20-slim
WORKDIR /app
ENV NODE_ENV=production ORCHESTRATOR_SKIP_TEMPORAL_INSTALL=1
COPY package.json package-lock.json ./
COPY scripts ./scripts
RUN npm install --omit=dev --no-audit --no-fund && npm cache clean --force
# The worker bundles lib/workflows at start-up (webpack, from @temporalio/worker).
COPY --from=build /app/lib ./lib
USER node
CMD ["node", "lib/worker.js"]
