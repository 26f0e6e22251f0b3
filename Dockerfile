# One image for both production processes: `campus-bridge worker` and `campus-bridge gateway`.
# Built in two stages: the first compiles the TypeScript (tsconfig.build.json) and bundles the
# workflow code once (npm run bundle), the second holds the compiled product and the runtime
# dependencies only. No tsx, typescript, jest or sandbox reaches the image
# (test/foundation/production-image.test.ts keeps it so).

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY workflows ./workflows
COPY activities ./activities
COPY scripts ./scripts
# The dev command imports the sandboxes; tsc needs them to compile it, the image does not (see below).
COPY sandboxes ./sandboxes
RUN npx tsc -p tsconfig.build.json \
  && npx tsx scripts/bundle-workflows.ts dist \
  && rm -rf dist/sandboxes

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
# The worker starts on the bundles built above instead of running webpack at every start.
ENV WORKFLOW_BUNDLE_DIR=/app/dist
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force
COPY --from=build /app/dist ./dist
USER node
ENTRYPOINT ["node", "dist/src/cli.js"]
CMD ["worker"]
