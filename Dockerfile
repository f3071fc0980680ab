FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev
COPY . .
ENV NODE_ENV=production PORT=4000 DATA_DIR=/data
EXPOSE 4000
# npm would swallow SIGTERM; run tsx directly so the process receives it and shuts down cleanly
# --max-semi-space-size: runtime/nodeFlags.ts (RUNTIME_NODE_FLAGS) says why
CMD ["node", "--max-semi-space-size=64", "--import", "tsx", "runtime/main.ts"]
