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
RUN npx nest build risk && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/package.json package.json
COPY --from=build /app/dist/apps/risk dist
USER node
EXPOSE 3001
CMD ["node", "dist/apps/risk/src/main.js"]
