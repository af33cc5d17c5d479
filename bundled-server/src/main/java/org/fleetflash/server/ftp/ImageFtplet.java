package org.fleetflash.server.ftp;

import java.io.IOException;
import java.util.Locale;
import java.util.Set;
import org.apache.ftpserver.ftplet.DefaultFtpReply;
import org.apache.ftpserver.ftplet.DefaultFtplet;
import org.apache.ftpserver.ftplet.FtpReply;
import org.apache.ftpserver.ftplet.FtpException;
import org.apache.ftpserver.ftplet.FtpRequest;
import org.apache.ftpserver.ftplet.FtpSession;
import org.apache.ftpserver.ftplet.FtpletResult;
import org.apache.ftpserver.ftplet.User;

/**
 * Ties each login's file system view to the client address, refuses every command that would change
 * the server's files with one clear reply, and disconnects sessions of withdrawn accounts.
 */
final class ImageFtplet extends DefaultFtplet {
    /** Commands that write, delete, rename or change attributes: the file system refuses them too. */
    private static final Set<String> WRITE_COMMANDS = Set.of("STOR", "STOU", "APPE", "DELE", "RMD", "XRMD", "MKD",
            "XMKD", "RNFR", "RNTO", "MFMT", "SITE");
    private final PublicationUserManager users;

    ImageFtplet(PublicationUserManager users) {
        this.users = users;
    }

    @Override
    public FtpletResult onLogin(FtpSession session, FtpRequest request) throws FtpException, IOException {
        if (session.isLoggedIn() && session.getFileSystemView() instanceof PublicationFileSystem.View view) {
            view.bindClient(session.getClientAddress());
        }
        return FtpletResult.DEFAULT;
    }

    @Override
    public FtpletResult beforeCommand(FtpSession session, FtpRequest request) throws FtpException, IOException {
        User user = session.getUser();
        if (session.isLoggedIn() && user != null) {
            ImageAccount account = users.accountOf(user.getName());
            if (account == null || account.withdrawn()) {
                return FtpletResult.DISCONNECT;
            }
        }
        if (WRITE_COMMANDS.contains(request.getCommand().toUpperCase(Locale.ROOT))) {
            session.write(new DefaultFtpReply(FtpReply.REPLY_550_REQUESTED_ACTION_NOT_TAKEN,
                    "This server is read-only: " + request.getCommand() + " refused."));
            return FtpletResult.SKIP;
        }
        return super.beforeCommand(session, request);
    }
}
