# The team relay: this repository at the version checked out, its locked dependencies, and the supervisor board built
# once here, so every instance starts the same code without building at start. Built by compose.yaml (context: ..).
FROM node:20-bookworm
WORKDIR /app
# No Electron binary: the relay does not need it (npm install's own step then says it was skipped).
ENV ELECTRON_SKIP_BINARY_DOWNLOAD=1
# npm 11.16 or newer honours package.json's allowScripts (README), as on the desks' machines and CI.
RUN npm install -g --no-audit --no-fund npm@11
COPY package.json package-lock.json ./
COPY scripts/ scripts/
# Every dependency, dev ones included: the relay runs through tsx and the board is built with vite.
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build:board && chown -R node:node /app/out
USER node
EXPOSE 8787 8788
# The relay itself as the container's first process, so `docker compose stop` (SIGTERM) closes it cleanly.
# Commands: docker compose exec relay-1 npm run relay -- token asha
CMD ["node", "--import", "tsx", "src/relay/index.ts"]
