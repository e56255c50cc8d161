package dev.cairn.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import dev.cairn.error.Problem;
import dev.cairn.identity.Principal;
import dev.cairn.policy.Action;
import dev.cairn.policy.PlaybookRules;
import dev.cairn.policy.Policy;
import dev.cairn.session.SessionRecord;
import dev.cairn.session.Sessions;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The NoETL gateway's auth routes, for its UI unchanged: {@code /api/auth/login} turns an identity
 * provider's token into a session, {@code validate} and {@code check-access} answer about a session
 * with {@code 200} either way ({@code valid:false}, {@code allowed:false}), {@code logout} ends it
 * everywhere. None needs other credentials: the session token in the body is the credential.
 */
final class SessionRoutes {

    private static final double DEFAULT_HOURS = 8;

    private final Sessions sessions;
    private final Policy policy;
    private final long maxJsonBytes;

    SessionRoutes(Sessions sessions, Policy policy, long maxJsonBytes) {
        this.sessions = sessions;
        this.policy = policy;
        this.maxJsonBytes = maxJsonBytes;
    }

    void register(HttpRouting.Builder routing, RouteTable table) {
        table.post(routing, "/api/auth/login", this::login);
        table.post(routing, "/api/auth/validate", this::validate);
        table.post(routing, "/api/auth/check-access", this::checkAccess);
        table.post(routing, "/api/auth/logout", this::logout);
    }

    private void login(ServerRequest req, ServerResponse res) {
        JsonNode body = Bodies.jsonObject(req, maxJsonBytes);
        String providerToken = Bodies.text(body, "auth0_token");
        JsonNode hours = body.path("session_duration_hours");
        if (!hours.isMissingNode() && !hours.isNull() && !hours.isNumber()) {
            throw new CairnException(Problem.of(ErrorCode.VALIDATION_ERROR, "session_duration_hours must be a number")
                    .with("field", "session_duration_hours"));
        }
        Sessions.Login login = sessions.login(providerToken, hours.isNumber() ? hours.asDouble() : DEFAULT_HOURS,
                Bodies.optionalText(body, "client_ip").or(() -> Optional.of(Responses.info(req).client().getHostAddress())),
                Bodies.optionalText(body, "client_user_agent").or(() -> req.headers().first(
                        io.helidon.http.HeaderNames.USER_AGENT)));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("status", "authenticated");
        out.put("session_token", login.token());
        out.put("user", user(login.session()));
        out.put("expires_at", login.session().expiresAt().toString());
        out.put("message", "signed in as " + login.session().userId());
        Responses.json(res, 200, out);
    }

    private void validate(ServerRequest req, ServerResponse res) {
        JsonNode body = Bodies.jsonObject(req, maxJsonBytes);
        Optional<SessionRecord> session = sessions.validate(Bodies.text(body, "session_token"));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("valid", session.isPresent());
        session.ifPresent(s -> {
            out.put("user", user(s));
            out.put("expires_at", s.expiresAt().toString());
        });
        out.put("message", session.isPresent() ? "the session is valid" : "the session is unknown, expired or logged out");
        Responses.json(res, 200, out);
    }

    private void checkAccess(ServerRequest req, ServerResponse res) {
        JsonNode body = Bodies.jsonObject(req, maxJsonBytes);
        String token = Bodies.text(body, "session_token");
        String path = Bodies.text(body, "playbook_path");
        String permission = Bodies.optionalText(body, "permission_type").orElse("execute").toLowerCase(Locale.ROOT);
        if (!PlaybookRules.PERMISSIONS.contains(permission)) {
            throw new CairnException(Problem.of(ErrorCode.VALIDATION_ERROR,
                    "permission_type must be execute, view or edit").with("field", "permission_type"));
        }
        Optional<SessionRecord> session = sessions.validate(token);
        Optional<Principal.Session> principal = session.map(s -> Sessions.principal(token, s));
        boolean allowed = principal.isPresent()
                && policy.allows(principal.get(), new Action.UsePlaybook(path, permission));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("allowed", allowed);
        session.ifPresent(s -> out.put("user", user(s)));
        out.put("playbook_path", path);
        out.put("permission_type", permission);
        out.put("message", principal.isEmpty() ? "the session is unknown, expired or logged out"
                : allowed ? "allowed" : "the user's roles " + session.get().roles() + " may not " + permission + " " + path);
        Responses.json(res, 200, out);
    }

    private void logout(ServerRequest req, ServerResponse res) {
        JsonNode body = Bodies.jsonObject(req, maxJsonBytes);
        boolean ended = sessions.logout(Bodies.text(body, "session_token"));
        Responses.json(res, 200, Map.of("logged_out", ended,
                "message", ended ? "the session has ended" : "there was no live session with that token"));
    }

    private static Map<String, Object> user(SessionRecord s) {
        Map<String, Object> user = new LinkedHashMap<>();
        user.put("user_id", s.userId());
        user.put("email", s.email().orElse(null));
        user.put("display_name", s.displayName().orElse(null));
        user.put("roles", s.roles());
        return user;
    }
}
