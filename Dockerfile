# The emulator and the worker of docker-compose.yml: the compiled package on node:20-slim.
# - build: every dependency (`npm ci`, the lock file as committed), then `npm run build`: dist/
#   with the JavaScript and the prebuilt workflow bundles;
# - final: production dependencies only, plus dist/ and bin/. The worker starts as
#   bin/orchestrator-worker (`node dist/worker.js`, NODE_ENV=production, with its memory
#   settings): no TypeScript loader, no bundling at start-up.
# The Temporal binaries are not installed (ORCHESTRATOR_SKIP_TEMPORAL_INSTALL, see
# scripts/install-temporal.js): the compose stack runs temporalio/server, the worker connects.

FROM node:20-slim AS build
WORKDIR /app
ENV ORCHESTRATOR_SKIP_TEMPORAL_INSTALL=1
COPY package.json package-lock.json ./
COPY scripts ./scripts
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

FROM node:20-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
# --ignore-scripts: the only script left to run would be the Temporal install (not wanted here);
# the dependencies' own install scripts are not needed (allowScripts in package.json).
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY bin ./bin
USER node
CMD ["bin/orchestrator-worker"]
