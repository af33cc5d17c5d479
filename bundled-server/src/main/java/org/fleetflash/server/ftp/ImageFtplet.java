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
    /** The commands that open a passive data connection. */
    private static final Set<String> PASSIVE_COMMANDS = Set.of("PASV", "EPSV", "LPSV");
    private final PublicationUserManager users;
    private final PassivePorts passivePorts;

    ImageFtplet(PublicationUserManager users, PassivePorts passivePorts) {
        this.users = users;
        this.passivePorts = passivePorts;
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

    /**
     * A passive data connection the server could not open (FtpServer replies 425) is kept on the account: the router
     * only sees its download fail, and the laptop can then say why.
     */
    @Override
    public FtpletResult afterCommand(FtpSession session, FtpRequest request, FtpReply reply) throws FtpException, IOException {
        User user = session.getUser();
        if (reply != null && reply.getCode() >= 400 && user != null
                && PASSIVE_COMMANDS.contains(request.getCommand().toUpperCase(Locale.ROOT))) {
            ImageAccount account = users.accountOf(user.getName());
            if (account != null) {
                account.serverProblem(passivePorts.isAny()
                        ? "The laptop's FTP server could not open a data port for the download (FTP reply " + reply.getCode()
                                + "): this computer may be out of free ports, or a security policy refused it."
                        : "The laptop's FTP server could not open a data port for the download: " + (passivePorts.count() == 1
                                ? "the passive port " + passivePorts.first() + " is"
                                : "the passive ports " + passivePorts + " are all") + " in use on this computer (by other programs,"
                                + " or by other downloads of this batch). Choose a wider or another passive port range (--ftp-passive-ports, or"
                                + " Settings in the window), allow it in the firewall, and try again.");
            }
        }
        return super.afterCommand(session, request, reply);
    }
}
