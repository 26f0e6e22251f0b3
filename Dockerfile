# One image for both production processes: `campus-bridge worker` and `campus-bridge gateway`.
# Runs the TypeScript sources through tsx, as `npm start` does, so there is no separate build step
# whose output could drift from what the tests ran.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
# tsx and typescript are devDependencies but needed at run time here.
RUN npm ci --include=dev && npm cache clean --force
COPY tsconfig.json ./
# The product only: sandboxes/, test/, bench/ and scripts/ stay out (the local stack and tests need
# them, the worker and gateway do not; test/foundation/production-image.test.ts keeps it so).
COPY bin ./bin
COPY src ./src
COPY workflows ./workflows
COPY activities ./activities
USER node
ENTRYPOINT ["bin/campus-bridge"]
CMD ["worker"]
