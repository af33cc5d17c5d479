package org.fleetflash.server.ftp;

import java.io.IOException;
import org.apache.ftpserver.ftplet.DefaultFtplet;
import org.apache.ftpserver.ftplet.FtpException;
import org.apache.ftpserver.ftplet.FtpRequest;
import org.apache.ftpserver.ftplet.FtpSession;
import org.apache.ftpserver.ftplet.FtpletResult;
import org.apache.ftpserver.ftplet.User;

/** Ties each login's file system view to the client address, and disconnects sessions of withdrawn images. */
final class ImageFtplet extends DefaultFtplet {
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
            PublishedImage image = users.imageOf(user.getName());
            if (image == null || image.withdrawn()) {
                return FtpletResult.DISCONNECT;
            }
        }
        return super.beforeCommand(session, request);
    }
}
