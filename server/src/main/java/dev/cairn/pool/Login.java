package dev.cairn.pool;

/**
 * Who a connection logs in as, when it is not Cairn's own user: a platform's role. The password
 * never appears in {@link #toString()}.
 */
public record Login(String user, String password) {

    @Override
    public String toString() {
        return user;
    }
}
