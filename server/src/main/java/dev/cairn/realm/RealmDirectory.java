package dev.cairn.realm;

import java.util.List;
import java.util.Optional;

/**
 * The realm tree and its members as the identity and mesh code read them (the control database
 * behind a short cache). Realm ids are the slugs ({@code acme}, {@code acme/clinic-1},
 * {@code realm.alpha}); platforms are root realms and their tenants child realms of type
 * {@code tenant}, kept beside the realms an operator creates.
 */
public interface RealmDirectory {

    Optional<Realm> realm(String realmId);

    /** The realm's ancestors, nearest first (the parent, its parent, ... the root). */
    List<Realm> ancestors(String realmId);

    /** The realms directly beneath this one. */
    List<Realm> children(String realmId);

    Optional<Member> member(String memberId);

    /** The member whose API key ({@code rm_…}) this is: looked up by its prefix, checked against its hash. */
    Optional<Member> memberByApiKey(String apiKey);

    /**
     * The member a client certificate names: a member whose {@code certificateSubject} equals the
     * certificate's subject DN (RFC 2253) or one of its subject alternative names.
     */
    Optional<Member> memberByCertificate(String subjectDn, List<String> subjectAltNames);

    /** The members of a realm. */
    List<Member> members(String realmId);

    /** A realm: a node of the tree. */
    record Realm(String id, String realmId, String realmType, Optional<String> parentRealmId,
                 boolean inheritPolicies, List<String> policies, Optional<String> contractName,
                 Optional<String> contractVersion) {
        public Realm {
            policies = List.copyOf(policies);
        }
    }

    /**
     * A realm member: {@code <realm>/<name>}.
     *
     * @param roles roles its credentials carry on the data faces (from its metadata's {@code roles})
     */
    record Member(String memberId, String realmId, String name, String memberType, Optional<String> contractName,
                  Optional<String> contractVersion, List<String> roles) {
        public Member {
            roles = List.copyOf(roles);
        }
    }
}
