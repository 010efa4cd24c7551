# The canteen service image (scanning, passes, terminals, settlement, organisation admin).
# docker build -f docker/canteen.Dockerfile -t official-meal/canteen .
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json nest-cli.json ./
COPY apps apps
COPY libs libs
COPY migrations migrations
COPY scripts/cli.ts scripts/cli.ts
COPY scripts/kafka-provision.ts scripts/kafka-provision.ts
RUN npx nest build canteen && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/package.json package.json
COPY --from=build /app/dist/apps/canteen dist
USER node
EXPOSE 3000
# `node dist/scripts/cli.js migrate` and `... seed` run the migrations and the demo seed (see compose.yaml).
CMD ["node", "dist/apps/canteen/src/main.js"]
