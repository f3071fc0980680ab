FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev
COPY . .
ENV NODE_ENV=production PORT=4000 DATA_DIR=/data
EXPOSE 4000
# npm would swallow SIGTERM; run tsx directly so the process receives it and shuts down cleanly
CMD ["node", "--import", "tsx", "runtime/main.ts"]
