package dev.cairn.fleet;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.entity.DataApiSettings;
import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import dev.cairn.error.Problem;
import java.io.IOException;
import java.sql.PreparedStatement;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each platform's data-API settings in the control database, read through a short cache: a change
 * made here is seen at once, one made by another instance within two seconds, like
 * {@link DatabaseDirectory}'s records.
 */
public final class DataApiSettingsStore {

    private static final long RECHECK_NANOS = 2_000_000_000L;
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Entry(DataApiSettings settings, long readAt) {
    }

    private final Registry registry;
    private final Map<String, Entry> cache = new ConcurrentHashMap<>();

    public DataApiSettingsStore(Registry registry) {
        this.registry = registry;
    }

    /** The platform's settings, or the defaults if it never set any. */
    public DataApiSettings get(String platform) {
        long now = System.nanoTime();
        Entry hit = cache.get(platform);
        if (hit != null && now - hit.readAt() < RECHECK_NANOS) {
            return hit.settings();
        }
        DataApiSettings settings = read(platform).map(Stored::settings).orElseGet(DataApiSettings::defaults);
        cache.put(platform, new Entry(settings, now));
        return settings;
    }

    /** Settings as stored, and where they came from: {@code admin} (a PUT) or {@code bundle}. */
    public record Stored(DataApiSettings settings, String source) {
    }

    /** The platform's stored settings; empty when it runs on the defaults. */
    public Optional<Stored> read(String platform) {
        return registry.control().query("SELECT settings::text, source FROM data_api_settings WHERE platform = ?",
                rs -> new Stored(parse(rs.getString(1)), rs.getString(2)), platform).stream().findFirst();
    }

    /**
     * Stores settings for a registered platform (validated already: they are a parsed value).
     *
     * @param source {@code admin} or {@code bundle}
     */
    public void save(String platform, DataApiSettings settings, String source, String actor) {
        registry.requirePlatform(platform, "");
        registry.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO data_api_settings (platform, settings, source, updated_by) VALUES (?, ?::jsonb, ?, ?)
                    ON CONFLICT (platform) DO UPDATE SET settings = EXCLUDED.settings, source = EXCLUDED.source,
                        updated_by = EXCLUDED.updated_by, updated_at = now()""")) {
                ps.setString(1, platform);
                ps.setString(2, settings.toJson().toString());
                ps.setString(3, source);
                ps.setString(4, actor);
                return ps.executeUpdate();
            }
        });
        cache.remove(platform);
    }

    private static DataApiSettings parse(String json) {
        try {
            return DataApiSettings.parse(JSON.readTree(json));
        } catch (IOException | CairnException e) {
            throw new CairnException(Problem.of(ErrorCode.INTERNAL_ERROR,
                    "stored data-API settings do not parse: " + e.getMessage()), e);
        }
    }
}
