# Cairn: a multi-stage build. The first stage builds target/cairn.jar with the Maven Wrapper; the
# second runs it on a JRE as an unprivileged user, with a health check through `cairn health`.
#   docker build -t cairn .
#   docker run -e DATABASE_URL=postgres://user:pass@db:5432/postgres -e ADMIN_TOKEN=... -p 9000:9000 cairn
# Without DATABASE_URL (or DB_*) the image runs its own embedded PostgreSQL, data in the volume
# /app/.cairn (mount one to keep it):  docker run -v cairn-data:/app/.cairn -p 9000:9000 cairn
FROM eclipse-temurin:25-jdk AS build
WORKDIR /src
# Dependencies first, so that a source change does not download them again.
COPY .mvn/ .mvn/
COPY mvnw pom.xml ./
COPY server/pom.xml server/
COPY cli/pom.xml cli/
COPY dist/pom.xml dist/
RUN ./mvnw -B -q -pl server,cli -DskipTests dependency:resolve dependency:resolve-plugins || true
COPY server/src server/src
COPY cli/src cli/src
COPY dist/src dist/src
RUN ./mvnw -B -q -DskipTests package && test -f target/cairn.jar

FROM eclipse-temurin:25-jre
RUN groupadd --system --gid 10001 cairn \
 && useradd --system --uid 10001 --gid cairn --home-dir /app --shell /usr/sbin/nologin cairn
WORKDIR /app
COPY --from=build /src/target/cairn.jar /app/cairn.jar
RUN mkdir -p /app/.cairn && chown cairn:cairn /app/.cairn
VOLUME /app/.cairn
USER cairn:cairn
# Listen on every interface inside the container; which callers may use it is ALLOWED_NETWORKS.
ENV GATEWAY_HOST=0.0.0.0 \
    GATEWAY_PORT=9000 \
    LOG_FORMAT=json \
    JAVA_TOOL_OPTIONS="-XX:+UseG1GC -XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
EXPOSE 9000
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["java", "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-jar", "/app/cairn.jar", "health", "--url", "http://127.0.0.1:9000"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["java", "-jar", "/app/cairn.jar"]
CMD ["serve"]
