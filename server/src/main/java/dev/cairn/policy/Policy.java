package dev.cairn.policy;

import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import dev.cairn.error.Problem;
import dev.cairn.identity.Principal;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The one place that decides whether a principal may perform an action; every face asks it and
 * none decides by itself. The principal is asked for only when the action needs it, so a request
 * to a disabled admin route is {@code 503} whatever credentials it carries.
 *
 * <p>Rules: admin routes need the admin token ({@code 503 admin_disabled} when none is configured,
 * {@code 401} otherwise). A platform's routes accept a request without credentials (the network
 * allow-list is the gate, as in the StoneScript gateway), the admin token, and that platform's
 * own token; another platform's token is {@code 403}, and so is a JWT (it is for the data API).
 * {@code /call} admits the same, and also a JWT of the platform (of the called tenant, when the JWT
 * names one). The data API needs credentials; a JWT there is held to the settings' role rules.
 */
public final class Policy {

    private final boolean adminEnabled;
    private final PlaybookRules playbooks;
    private final RealmRules realms;

    public Policy(boolean adminEnabled) {
        this(adminEnabled, PlaybookRules.adminsOnly(), RealmRules.NONE);
    }

    public Policy(boolean adminEnabled, PlaybookRules playbooks) {
        this(adminEnabled, playbooks, RealmRules.NONE);
    }

    public Policy(boolean adminEnabled, PlaybookRules playbooks, RealmRules realms) {
        this.adminEnabled = adminEnabled;
        this.playbooks = playbooks;
        this.realms = realms;
    }

    /** The realm tree's rules, for what reads them beside a decision (rate limits). */
    public RealmRules realms() {
        return realms;
    }

    public void authorize(Supplier<Principal> principal, Action action) {
        switch (action) {
            case Action.Administer a -> administer(principal);
            case Action.ActForPlatform a -> actFor(principal.get(), a.platform());
            case Action.UseData a -> useData(principal.get(), a);
            case Action.CallFunction a -> call(principal.get(), a);
            case Action.UsePlaybook a -> playbook(principal.get(), a);
            case Action.AdministerRealms a -> administerRealms(principal.get());
            case Action.UseCapability a -> capability(a);
        }
    }

    /** Whether the principal may perform the action: the same decision, as an answer instead of an error. */
    public boolean allows(Principal principal, Action action) {
        try {
            authorize(() -> principal, action);
            return true;
        } catch (CairnException e) {
            return false;
        }
    }

    private static void administerRealms(Principal principal) {
        switch (principal) {
            case Principal.Admin admin -> {
            }
            case Principal.Console console -> {
            }
            case Principal.Network network -> throw CairnException.of(ErrorCode.UNAUTHORIZED,
                    "realm administration needs the admin token or a console token ('Authorization: Bearer <token>')");
            default -> throw CairnException.of(ErrorCode.FORBIDDEN,
                    "realm administration needs the admin token or a console token, not a " + principal.actor().split(":")[0]);
        }
    }

    private void capability(Action.UseCapability action) {
        realms.denies(action.fromRealm(), action.toRealm(), action.capability(), action.operation()).ifPresent(reason -> {
            throw new CairnException(Problem.of(ErrorCode.FORBIDDEN, reason)
                    .with("capability", action.capability()).with("operation", action.operation().wire())
                    .with("from_realm", action.fromRealm()).with("to_realm", action.toRealm()));
        });
    }

    private void playbook(Principal principal, Action.UsePlaybook action) {
        switch (principal) {
            case Principal.Console console -> throw CairnException.of(ErrorCode.FORBIDDEN,
                    "the console administers realms; playbooks take a user's or the platform's credentials");
            case Principal.Network network -> throw CairnException.of(ErrorCode.UNAUTHORIZED,
                    "playbooks need credentials: a session, a JWT or the platform's token");
            case Principal.Admin admin -> {
            }
            case Principal.PlatformToken token -> {
            }
            case Principal.Claims user -> {
                if (!playbooks.allows(action.path(), action.permission(), user.roles())) {
                    throw new CairnException(Problem.of(ErrorCode.FORBIDDEN, "the " + user.kind() + "'s roles "
                            + user.roles() + " may not " + action.permission() + " playbook " + action.path())
                            .with("playbook_path", action.path()).with("permission", action.permission()));
                }
            }
        }
    }

    private void administer(Supplier<Principal> principal) {
        if (!adminEnabled) {
            throw CairnException.of(ErrorCode.ADMIN_DISABLED, "admin routes are disabled: set ADMIN_TOKEN to enable them");
        }
        switch (principal.get()) {
            case Principal.Admin admin -> {
            }
            case Principal.Network network -> throw CairnException.of(ErrorCode.UNAUTHORIZED,
                    "admin routes need 'Authorization: Bearer <ADMIN_TOKEN>'");
            case Principal.Console console -> throw CairnException.of(ErrorCode.UNAUTHORIZED,
                    "admin routes need the admin token; a console token administers realms only");
            case Principal.PlatformToken token -> throw CairnException.of(ErrorCode.UNAUTHORIZED,
                    "admin routes need the admin token; a platform token acts for its platform's routes only");
            case Principal.Claims user -> throw CairnException.of(ErrorCode.UNAUTHORIZED,
                    "admin routes need the admin token; a " + user.kind() + " acts on the data API only");
        }
    }

    private static void useData(Principal principal, Action.UseData action) {
        switch (principal) {
            case Principal.Network network -> throw CairnException.of(ErrorCode.UNAUTHORIZED,
                    "the data API needs credentials: 'Authorization: Bearer <JWT or platform token>'");
            case Principal.Console console -> throw CairnException.of(ErrorCode.FORBIDDEN,
                    "the console administers realms; data takes a member's, user's or platform's credentials");
            case Principal.Admin admin -> {
            }
            case Principal.PlatformToken token -> {
            }
            case Principal.Claims user -> {
                if (!action.settings().allows(action.entity(), action.verb(), user.roles())) {
                    throw new CairnException(Problem.of(ErrorCode.FORBIDDEN, "the " + user.kind() + "'s roles " + user.roles()
                            + " may not " + action.verb().wire() + " " + action.entity())
                            .with("entity", action.entity()).with("action", action.verb().wire()));
                }
            }
        }
    }

    private static void call(Principal principal, Action.CallFunction action) {
        switch (principal) {
            case Principal.Claims user -> {
                if (user.platform().filter(p -> !p.equals(action.platform())).isPresent()) {
                    throw new CairnException(Problem.of(ErrorCode.FORBIDDEN, "the " + user.kind() + " was issued for"
                            + " another platform and cannot call functions of platform " + action.platform()));
                }
                if (user.tenant().filter(t -> !action.tenant().equals(Optional.of(t))).isPresent()) {
                    throw new CairnException(Problem.of(ErrorCode.FORBIDDEN, "the " + user.kind() + " was issued for"
                            + " tenant " + user.tenant().get() + " and calls that tenant's database only"));
                }
            }
            default -> actFor(principal, action.platform());
        }
    }

    private static void actFor(Principal principal, String platform) {
        switch (principal) {
            case Principal.Network network -> {
            }
            case Principal.Admin admin -> {
            }
            case Principal.Console console -> throw CairnException.of(ErrorCode.FORBIDDEN,
                    "the console administers realms; platform routes take the platform's token or the admin token");
            case Principal.PlatformToken token -> {
                if (!token.platform().equals(platform)) {
                    throw new CairnException(Problem.of(ErrorCode.FORBIDDEN, "this token belongs to another platform"
                            + " and cannot act for platform " + platform));
                }
            }
            // A JWT is a user's or a service's, meant for data: it never changes schemas or creates databases.
            case Principal.Claims user -> throw new CairnException(Problem.of(ErrorCode.FORBIDDEN, "a " + user.kind()
                    + " acts on the data API only; schema, database and job routes take the platform's token or the"
                    + " admin token"));
        }
    }
}
