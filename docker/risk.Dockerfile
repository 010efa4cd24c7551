# The risk service image (warning models over Kafka, inspectors API).
# docker build -f docker/risk.Dockerfile -t official-meal/risk .
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
RUN npx nest build risk && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production
# The service's memory budget is 512 MB. Without a limit V8 sizes its heap from the host's memory and lets garbage
# pile up far beyond what is live (about 75 MB after a month of events, plus a replay's in-memory facts). The young
# generation is set too: V8 would shrink it with the old one (to 3 MB), and scavenge and promote far more often.
ENV NODE_OPTIONS="--max-old-space-size=384 --max-semi-space-size=16"
WORKDIR /app
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/package.json package.json
COPY --from=build /app/dist/apps/risk dist
USER node
EXPOSE 3001
CMD ["node", "dist/apps/risk/src/main.js"]
