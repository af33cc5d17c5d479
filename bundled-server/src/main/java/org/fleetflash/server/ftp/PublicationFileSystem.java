package org.fleetflash.server.ftp;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.apache.ftpserver.ftplet.FileSystemFactory;
import org.apache.ftpserver.ftplet.FileSystemView;
import org.apache.ftpserver.ftplet.FtpException;
import org.apache.ftpserver.ftplet.FtpFile;
import org.apache.ftpserver.ftplet.User;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A read-only virtual file system per login: a root directory that holds only the image the account was granted.
 * Paths that climb above the root are refused, not clamped; nothing can be written, deleted or renamed.
 */
final class PublicationFileSystem implements FileSystemFactory {
    private static final Logger LOG = LoggerFactory.getLogger(PublicationFileSystem.class);
    /** How much of the image a download reads from its file at a time. */
    static final int READ_AHEAD = 64 * 1024;

    /** Creates the tracker of a new download by an account, starting at an offset. */
    @FunctionalInterface
    interface DownloadStarter {
        DownloadTracker start(ImageAccount account, InetSocketAddress client, long offset);
    }

    private final PublicationUserManager users;
    private final DownloadStarter starter;

    PublicationFileSystem(PublicationUserManager users, DownloadStarter starter) {
        this.users = users;
        this.starter = starter;
    }

    @Override
    public FileSystemView createFileSystemView(User user) throws FtpException {
        ImageAccount account = users.accountOf(user.getName());
        if (account == null || account.withdrawn()) {
            throw new FtpException("The account " + user.getName() + " was withdrawn");
        }
        return new View(account);
    }

    /**
     * Resolves an FTP path against the root; returns {@code null} if it climbs above the root,
     * else the normalised segments.
     */
    static List<String> resolve(String path) {
        List<String> segments = new ArrayList<>();
        if (path == null) {
            return segments;
        }
        for (String part : path.split("/", -1)) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (segments.isEmpty()) {
                    return null;
                }
                segments.remove(segments.size() - 1);
            } else {
                segments.add(part);
            }
        }
        return segments;
    }

    /** One login's view. The working directory is always the root, the only directory there is. */
    final class View implements FileSystemView {
        private final ImageAccount account;
        private volatile InetSocketAddress client;

        View(ImageAccount account) {
            this.account = account;
        }

        void bindClient(InetSocketAddress address) {
            this.client = address;
        }

        @Override
        public FtpFile getHomeDirectory() {
            return new RootDirectory();
        }

        @Override
        public FtpFile getWorkingDirectory() {
            return new RootDirectory();
        }

        @Override
        public boolean changeWorkingDirectory(String dir) {
            List<String> segments = resolve(dir);
            if (segments == null) {
                LOG.warn("Refused CWD above the root by {}: {}", account.publication().user(), dir);
                return false;
            }
            return segments.isEmpty();
        }

        @Override
        public FtpFile getFile(String file) {
            List<String> segments = resolve(file);
            if (segments == null) {
                LOG.warn("Refused path above the root by {}: {}", account.publication().user(), file);
                return new Missing(file);
            }
            if (segments.isEmpty()) {
                return new RootDirectory();
            }
            if (segments.size() == 1 && segments.get(0).equals(account.publication().name())) {
                return new ImageFile();
            }
            return new Missing("/" + String.join("/", segments));
        }

        @Override
        public boolean isRandomAccessible() {
            return true;
        }

        @Override
        public void dispose() {
            // nothing held per login
        }

        /** Behaviour shared by all entries: nothing is writable, removable or movable. */
        private abstract class Entry implements FtpFile {
            @Override
            public boolean isHidden() {
                return false;
            }

            @Override
            public boolean isWritable() {
                return false;
            }

            @Override
            public boolean isRemovable() {
                return false;
            }

            @Override
            public String getOwnerName() {
                return "ftp";
            }

            @Override
            public String getGroupName() {
                return "ftp";
            }

            @Override
            public int getLinkCount() {
                return 1;
            }

            @Override
            public boolean setLastModified(long time) {
                return false;
            }

            @Override
            public boolean mkdir() {
                return false;
            }

            @Override
            public boolean delete() {
                return false;
            }

            @Override
            public boolean move(FtpFile destination) {
                return false;
            }

            @Override
            public OutputStream createOutputStream(long offset) throws IOException {
                throw new IOException("This server is read-only");
            }
        }

        private final class RootDirectory extends Entry {
            @Override
            public String getAbsolutePath() {
                return "/";
            }

            @Override
            public String getName() {
                return "/";
            }

            @Override
            public boolean isDirectory() {
                return true;
            }

            @Override
            public boolean isFile() {
                return false;
            }

            @Override
            public boolean doesExist() {
                return true;
            }

            @Override
            public boolean isReadable() {
                return true;
            }

            @Override
            public long getLastModified() {
                return account.directory().toFile().lastModified();
            }

            @Override
            public long getSize() {
                return 0;
            }

            @Override
            public Object getPhysicalFile() {
                return account.directory().toFile();
            }

            @Override
            public List<? extends FtpFile> listFiles() {
                return List.of(new ImageFile());
            }

            @Override
            public InputStream createInputStream(long offset) throws IOException {
                throw new IOException("/ is a directory");
            }
        }

        private final class ImageFile extends Entry {
            @Override
            public String getAbsolutePath() {
                return "/" + account.publication().name();
            }

            @Override
            public String getName() {
                return account.publication().name();
            }

            @Override
            public boolean isDirectory() {
                return false;
            }

            @Override
            public boolean isFile() {
                return true;
            }

            @Override
            public boolean doesExist() {
                return !account.withdrawn();
            }

            @Override
            public boolean isReadable() {
                return !account.withdrawn();
            }

            @Override
            public long getLastModified() {
                return account.file().toFile().lastModified();
            }

            @Override
            public long getSize() {
                return account.publication().size();
            }

            @Override
            public Object getPhysicalFile() {
                return account.file().toFile();
            }

            @Override
            public List<? extends FtpFile> listFiles() {
                return null;
            }

            @Override
            public InputStream createInputStream(long offset) throws IOException {
                long size = account.publication().size();
                if (offset < 0 || offset > size) {
                    throw new IOException("Restart offset " + offset + " is outside the image (size " + size + ")");
                }
                if (account.withdrawn()) {
                    throw new IOException("The image was withdrawn from the server");
                }
                FileChannel channel = FileChannel.open(account.file(), StandardOpenOption.READ);
                try {
                    DownloadTracker tracker = starter.start(account, client, offset);
                    // FtpServer sends from a BufferedInputStream as given, else wraps one of 8 KiB around it: with
                    // 64 KiB the image is read in one system call per 64 KiB instead of eight
                    return new BufferedInputStream(new CountingInputStream(channel, offset, tracker, account), READ_AHEAD);
                } catch (RuntimeException e) {
                    channel.close();
                    throw e;
                }
            }
        }

        private final class Missing extends Entry {
            private final String path;

            Missing(String path) {
                this.path = path;
            }

            @Override
            public String getAbsolutePath() {
                return path;
            }

            @Override
            public String getName() {
                int slash = path.lastIndexOf('/');
                return slash < 0 ? path : path.substring(slash + 1);
            }

            @Override
            public boolean isDirectory() {
                return false;
            }

            @Override
            public boolean isFile() {
                return false;
            }

            @Override
            public boolean doesExist() {
                return false;
            }

            @Override
            public boolean isReadable() {
                return false;
            }

            @Override
            public long getLastModified() {
                return 0;
            }

            @Override
            public long getSize() {
                return 0;
            }

            @Override
            public Object getPhysicalFile() {
                return null;
            }

            @Override
            public List<? extends FtpFile> listFiles() {
                return null;
            }

            @Override
            public InputStream createInputStream(long offset) throws IOException {
                throw new IOException(path + " does not exist");
            }
        }
    }
}
