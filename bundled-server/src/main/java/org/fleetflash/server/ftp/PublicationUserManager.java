package org.fleetflash.server.ftp;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.ftpserver.ftplet.Authentication;
import org.apache.ftpserver.ftplet.AuthenticationFailedException;
import org.apache.ftpserver.ftplet.User;
import org.apache.ftpserver.ftplet.UserManager;
import org.apache.ftpserver.usermanager.UsernamePasswordAuthentication;
import org.apache.ftpserver.usermanager.impl.BaseUser;
import org.apache.ftpserver.usermanager.impl.ConcurrentLoginPermission;

/** In-memory accounts, one read-only user per grant on a hosted image; anonymous and unknown users are refused. */
final class PublicationUserManager implements UserManager {
    private final Map<String, Account> accounts = new ConcurrentHashMap<>();
    private final int idleSeconds;

    private record Account(BaseUser user, String password, ImageAccount account) {
    }

    PublicationUserManager(int idleSeconds) {
        this.idleSeconds = idleSeconds;
    }

    void add(ImageAccount account) {
        Publication p = account.publication();
        BaseUser user = new BaseUser();
        user.setName(p.user());
        user.setPassword(null); // the password stays in this map only
        user.setHomeDirectory(account.directory().toString());
        user.setEnabled(true);
        user.setMaxIdleTime(idleSeconds);
        // No WritePermission: the account is read-only. Logins per account are limited only by maxLogins.
        user.setAuthorities(List.of(new ConcurrentLoginPermission(0, 0)));
        accounts.put(p.user(), new Account(user, p.password(), account));
    }

    void remove(String userName) {
        accounts.remove(userName);
    }

    /** The account of a user, or {@code null} once it has been withdrawn. */
    ImageAccount accountOf(String userName) {
        Account account = accounts.get(userName);
        return account == null ? null : account.account();
    }

    @Override
    public User getUserByName(String userName) {
        Account account = accounts.get(userName);
        return account == null ? null : account.user();
    }

    @Override
    public String[] getAllUserNames() {
        return accounts.keySet().toArray(String[]::new);
    }

    @Override
    public void delete(String userName) {
        throw new UnsupportedOperationException("Accounts are managed by HostedImage.revoke");
    }

    @Override
    public void save(User user) {
        throw new UnsupportedOperationException("Accounts are managed by HostedImage.grant");
    }

    @Override
    public boolean doesExist(String userName) {
        return accounts.containsKey(userName);
    }

    @Override
    public User authenticate(Authentication authentication) throws AuthenticationFailedException {
        if (!(authentication instanceof UsernamePasswordAuthentication login)) {
            throw new AuthenticationFailedException("Only user name and password logins are accepted");
        }
        Account account = login.getUsername() == null ? null : accounts.get(login.getUsername());
        String given = login.getPassword() == null ? "" : login.getPassword();
        // compare in constant time, and do the comparison even for unknown users
        String expected = account == null ? "\u0000unknown" : account.password();
        boolean matches = MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8),
                expected.getBytes(StandardCharsets.UTF_8));
        if (account == null || !matches || account.account().withdrawn()) {
            throw new AuthenticationFailedException("Wrong user name or password");
        }
        return account.user();
    }

    @Override
    public String getAdminName() {
        return "";
    }

    @Override
    public boolean isAdmin(String userName) {
        return false;
    }
}
