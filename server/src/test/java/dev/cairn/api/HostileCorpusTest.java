package dev.cairn.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.testing.Bundles;
import dev.cairn.testing.ClassGateway;
import dev.cairn.testing.Http;
import dev.cairn.testing.Pg;
import dev.cairn.testing.TestGateway;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A fixed-seed corpus of hostile input against the real gateway: 1,000 archives to {@code /register}
 * and 1,000 JSON bodies to every route that takes JSON. Whatever arrives, the answer is a status
 * below 500 with a JSON error body (never a stack trace), nothing hangs (each request is bounded by
 * the client's timeout), nothing is written into the working folder, and nothing is left behind
 * but what a request was answered 2xx for (dropped with the gateway's platforms).
 */
class HostileCorpusTest {

    private static final long SEED = 20261203L;
    private static final int CORPUS = 1000;
    private static final String ADMIN = "Bearer " + TestGateway.ADMIN_TOKEN;
    @RegisterExtension
    static final ClassGateway gateway = ClassGateway.start();
    private static final Http http = gateway.http();

    /** Values that no route should choke on; none is a valid new platform name (so nothing escapes clean-up). */
    private static final List<Object> HOSTILE = List.of("", " ", "../../etc/passwd", "/abs", "A B", "x".repeat(300),
            "\u0000", "'; DROP TABLE users; --", "\" OR 1=1", "é🙂", "\\", "%00", "${jndi:ldap://x}", "null", "NaN",
            -1, 0, Long.MAX_VALUE, 1e308, -0.0, true, false, List.of(), List.of(List.of()), Map.of(),
            Map.of("$ne", 1), Map.of("__proto__", Map.of("x", 1)), "1; SELECT pg_sleep(10)");
    private static final List<String> FIELDS = List.of("platform", "tenant_id", "function", "params", "schema_name",
            "database_id", "uuid", "ops", "op", "entity", "args", "data", "id", "embedding", "k", "filter", "where",
            "naming", "tenancy", "entities", "access", "idempotency", "force", "allow", "dry_run", "concurrency",
            "on_error", "database", "hiddenFields");

    @Test
    void a_thousand_hostile_json_bodies_on_every_json_route_get_clean_answers() throws Exception {
        jsonCorpus(SEED, CORPUS);
    }

    /** The long run ({@code -Psoak}): ten times the corpus, from another seed. */
    @Test
    @Tag("soak")
    void ten_thousand_more_hostile_bodies_and_archives_get_clean_answers() throws Exception {
        jsonCorpus(SEED + 1, 10 * CORPUS);
        archiveCorpus(SEED + 1, 10 * CORPUS);
    }

    @Test
    void a_thousand_hostile_archives_get_clean_refusals_and_leave_nothing_behind() throws Exception {
        archiveCorpus(SEED, CORPUS);
    }

    private static void jsonCorpus(long seed, int size) throws Exception {
        String platform = gateway.platform();
        assertThat(http.register(platform, "t1", Bundles.tarGz(Bundles.fixture("panorama"))).status()).isEqualTo(200);
        List<String[]> routes = List.of(new String[] {"POST", "/call"}, new String[] {"POST", "/platform/register"},
                new String[] {"POST", "/database/create"}, new String[] {"POST", "/admin/create-tenant"},
                new String[] {"POST", "/admin/database/create"}, new String[] {"POST", "/admin/platform-token"},
                new String[] {"POST", "/admin/catalog/reload"}, new String[] {"PUT", "/admin/platforms/" + platform
                        + "/data-api"}, new String[] {"POST", "/v2/migrate"}, new String[] {"POST", "/v2/migrate-all"},
                new String[] {"POST", "/v1/_transact"}, new String[] {"POST", "/v1/users"},
                new String[] {"POST", "/v1/users/_search-embedding"}, new String[] {"PATCH", "/v1/users/u-1"});
        Set<String> before = files();
        Random random = new Random(seed);
        List<String> problems = new ArrayList<>();
        Map<String, Integer> answers = new java.util.TreeMap<>();
        for (int i = 0; i < size; i++) {
            byte[] body = jsonBody(random, platform);
            for (String[] route : routes) {
                Http.Answer a = http.raw(route[0], route[1], "application/json", body, "Authorization", ADMIN,
                        "x-platform", platform, "x-tenant-id", "t1", "Idempotency-Key", "k" + i + route[1]);
                check(a, route[0] + " " + route[1] + " " + new String(body, StandardCharsets.UTF_8), problems);
                answers.merge(a.status() + " " + a.body().path("error").asText(""), 1, Integer::sum);
            }
        }
        System.out.println("hostile JSON corpus, answers by status and error: " + answers);
        assertThat(problems).as("answers that were not clean").isEmpty();
        // the corpus reaches past the JSON parser into each route's own checks, and some requests succeed
        assertThat(answers).containsKey("400 validation_error");
        assertThat(answers.keySet()).anyMatch(k -> k.startsWith("2")).anyMatch(k -> k.startsWith("409"));
        assertThat(answers.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(size * routes.size());
        assertThat(files()).as("files in the working folder").isEqualTo(before);
    }

    private static void archiveCorpus(long seed, int size) throws Exception {
        byte[] good = Bundles.tarGz(Bundles.fixture("calls"));
        Set<String> before = files();
        Random random = new Random(seed);
        List<String> problems = new ArrayList<>();
        int accepted = 0;
        for (int i = 0; i < size; i++) {
            String platform = gateway.platform();
            byte[] archive = i % 2 == 0 ? mutated(random, good) : hostileTar(random);
            Http.Answer a = http.register(platform, null, archive);
            check(a, "archive " + i, problems);
            if (a.status() == 200) {
                accepted++;
            } else {
                assertThat(Pg.databases()).as("databases of a refused register").noneMatch(d -> d.startsWith(platform));
            }
        }
        assertThat(problems).as("answers that were not clean").isEmpty();
        assertThat(accepted).as("archives accepted (mutations that kept the archive valid)").isLessThan(size / 2);
        assertThat(files()).as("files in the working folder").isEqualTo(before);
    }

    private static void check(Http.Answer a, String what, List<String> problems) {
        boolean clean = a.status() < 500 && (a.status() < 400 || a.body().path("error").isTextual())
                && !a.raw().contains("Exception") && !a.raw().contains("\tat ");
        if (!clean && problems.size() < 20) {
            problems.add(a.status() + " " + a.raw().substring(0, Math.min(300, a.raw().length())) + " <- "
                    + what.substring(0, Math.min(300, what.length())));
        }
    }

    // ---- the JSON corpus -----------------------------------------------------------------------------

    private static byte[] jsonBody(Random r, String platform) {
        return switch (r.nextInt(10)) {
            case 0 -> bytes(r, 1 + r.nextInt(64)); // not JSON, maybe not even UTF-8
            case 1 -> "[".repeat(1 + r.nextInt(5000)).getBytes(StandardCharsets.UTF_8); // deep, unterminated
            case 2 -> ("{\"a\":" + "[".repeat(2000) + "]".repeat(2000) + "}").getBytes(StandardCharsets.UTF_8);
            case 3 -> truncated(r, object(r, platform, 2));
            case 4 -> (object(r, platform, 2) + " trailing").getBytes(StandardCharsets.UTF_8);
            case 5 -> Http.write(HOSTILE.get(r.nextInt(HOSTILE.size()))).getBytes(StandardCharsets.UTF_8);
            case 6 -> "{\"platform\":\"x\",\"platform\":\"y\"}".getBytes(StandardCharsets.UTF_8);
            case 7 -> new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
            default -> object(r, platform, 3).getBytes(StandardCharsets.UTF_8);
        };
    }

    /** An object of known field names with hostile (or, sometimes, the right) values, nested a little. */
    private static String object(Random r, String platform, int depth) {
        Map<String, Object> o = new LinkedHashMap<>();
        int n = r.nextInt(6);
        for (int i = 0; i < n; i++) {
            String field = FIELDS.get(r.nextInt(FIELDS.size()));
            o.put(field, value(r, platform, depth));
        }
        return Http.write(o);
    }

    private static Object value(Random r, String platform, int depth) {
        int pick = r.nextInt(12);
        if (pick == 0) {
            return platform; // the right platform, so that deeper checks are reached
        }
        if (pick == 1 && depth > 0) {
            return Http.JSON.convertValue(Http.JSON.valueToTree(objectMap(r, platform, depth - 1)), Map.class);
        }
        if (pick == 2 && depth > 0) {
            List<Object> list = new ArrayList<>();
            for (int i = r.nextInt(4); i > 0; i--) {
                list.add(value(r, platform, depth - 1));
            }
            return list;
        }
        if (pick == 3) {
            return new String(bytes(r, 1 + r.nextInt(20)), StandardCharsets.UTF_8);
        }
        return HOSTILE.get(r.nextInt(HOSTILE.size()));
    }

    private static Map<String, Object> objectMap(Random r, String platform, int depth) {
        Map<String, Object> o = new LinkedHashMap<>();
        for (int i = r.nextInt(4); i > 0; i--) {
            o.put(FIELDS.get(r.nextInt(FIELDS.size())), value(r, platform, depth));
        }
        return o;
    }

    private static byte[] truncated(Random r, String json) {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        return java.util.Arrays.copyOf(b, b.length == 0 ? 0 : r.nextInt(b.length));
    }

    private static byte[] bytes(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    // ---- the archive corpus --------------------------------------------------------------------------

    /** The good archive with bytes flipped, cut short or padded with garbage. */
    private static byte[] mutated(Random r, byte[] good) {
        byte[] b = good.clone();
        switch (r.nextInt(4)) {
            case 0 -> {
                for (int i = 1 + r.nextInt(8); i > 0; i--) {
                    b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
                }
            }
            case 1 -> b = java.util.Arrays.copyOf(b, r.nextInt(b.length));
            case 2 -> {
                byte[] tail = bytes(r, 1 + r.nextInt(512));
                byte[] out = java.util.Arrays.copyOf(b, b.length + tail.length);
                System.arraycopy(tail, 0, out, b.length, tail.length);
                b = out;
            }
            default -> b = bytes(r, 1 + r.nextInt(4096));
        }
        return b;
    }

    private static final List<String> NAMES = List.of("postgresql/tables/../../evil.sql", "/etc/cron.d/x",
            "postgresql/tables/a\\b.sql", "postgresql/functions/" + "f".repeat(300) + ".sql",
            "postgresql/tables/ok.sql", "postgresql/migrations/001.sql", "postgresql/seeders/s.sql",
            "postgresql/tables/é🙂.sql", "postgresql/data-api.json", "postgresql/tables/x.sql/y.sql",
            "postgresql/functions/.hidden.sql", "postgresql", "./postgresql/types/t.sql", "postgresql/tables/OK.SQL");
    private static final List<String> CONTENTS = List.of("CREATE TABLE t (id int", "CREATE FUNCTION f() RETURNS int"
                    + " LANGUAGE sql AS $$ SELECT 1", "SELECT 'unterminated", "\u0000", "{\"naming\":", "{}",
            "CREATE TABLE ok (id int PRIMARY KEY);", "INSERT INTO missing VALUES (1);", "$$;$$;$x$",
            "CREATE TABLE t (id int); CREATE TABLE t (id int);", "ALTER TABLE nothing ADD COLUMN x int;");

    /** A well-formed tar.gz with hostile names and contents. */
    private static byte[] hostileTar(Random r) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(out))) {
                tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
                for (int i = 1 + r.nextInt(5); i > 0; i--) {
                    byte[] content = r.nextInt(5) == 0 ? bytes(r, r.nextInt(200))
                            : CONTENTS.get(r.nextInt(CONTENTS.size())).getBytes(StandardCharsets.UTF_8);
                    TarArchiveEntry e = new TarArchiveEntry(NAMES.get(r.nextInt(NAMES.size())));
                    e.setSize(content.length);
                    tar.putArchiveEntry(e);
                    tar.write(content);
                    tar.closeArchiveEntry();
                }
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every file under the working folder (the server module), to see that nothing was written there. */
    private static Set<String> files() throws IOException {
        try (Stream<Path> all = Files.walk(Path.of("."))) {
            return all.filter(p -> !p.startsWith("./target")).map(Path::toString)
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }
}
