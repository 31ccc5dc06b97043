# The image of the platform and the worker (same build as `npm start`; the worker runs
# `node dist/apps/worker/src/main.js`), on Node.js 24 LTS (.node-version).
FROM node:24-bookworm-slim AS build
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY apps apps
COPY libs libs
COPY bench bench
COPY test/support test/support
RUN npm run build && npm prune --omit=dev

FROM node:24-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production LEDGERLINE_HOST=0.0.0.0 LEDGERLINE_DATA_DIR=/data
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
VOLUME /data
EXPOSE 3000
CMD ["node", "dist/apps/platform/src/main.js"]
