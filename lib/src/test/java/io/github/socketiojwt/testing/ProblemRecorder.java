package io.github.socketiojwt.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.AppenderBase;
import com.corundumstudio.socketio.SocketIOClient;
import com.corundumstudio.socketio.listener.ExceptionListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * Records everything that says a server was hurt: exceptions handed to netty-socketio's {@link ExceptionListener},
 * exceptions that reached the end of a channel's pipeline ({@link #pipelineTail()}), and WARN/ERROR log lines
 * (plus the library's DEBUG line for a channel it closed after an error), each with its text and the
 * messages of its exception chain, so that a test can assert on them and look for tokens in them.
 *
 * <p>Install the listener with {@code config.setExceptionListener(recorder)}, the tail with
 * {@code SocketIoJwt.customizePipeline(server, p -> p.addLast("recorder", recorder.pipelineTail()))}, and the log
 * capture with {@link #captureLogs()}; {@link #close()} detaches the log capture.
 */
public final class ProblemRecorder implements ExceptionListener, AutoCloseable {

    /** The library's logger that reports a channel closed after an exception escaped into Netty. */
    public static final String CATCH_ALL_LOGGER = "io.github.socketiojwt.internal.GuardInitializer";

    /** Where a problem was seen. */
    public enum Source { EXCEPTION_LISTENER, PIPELINE_TAIL, LOG }

    /**
     * One recorded problem.
     *
     * @param source where it was seen
     * @param level the log level ({@code ERROR} for exceptions)
     * @param logger the logger name, or the listener method
     * @param text the message and the class and message of every exception in its chain
     * @param hasThrowable whether an exception came with it
     * @param nanos when it was recorded ({@link System#nanoTime()})
     */
    public record Problem(Source source, String level, String logger, String text, boolean hasThrowable,
            long nanos) {

        @Override
        public String toString() {
            return source + " " + level + " " + logger + ": " + text;
        }
    }

    private final List<Problem> problems = new ArrayList<>();
    private final List<Runnable> restore = new ArrayList<>();
    private final Tail tail = new Tail();

    /**
     * Starts capturing WARN and ERROR lines of every logger, and the library's catch-all DEBUG line.
     *
     * @return this recorder
     */
    public ProblemRecorder captureLogs() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
            @Override
            protected void append(ILoggingEvent event) {
                boolean catchAll = event.getLoggerName().equals(CATCH_ALL_LOGGER)
                        && event.getMessage() != null && event.getMessage().startsWith("Closed a channel after an error");
                if (event.getLevel().isGreaterOrEqual(Level.WARN) || catchAll) {
                    add(new Problem(Source.LOG, event.getLevel().toString(), event.getLoggerName(),
                            event.getFormattedMessage() + chain(event.getThrowableProxy()),
                            event.getThrowableProxy() != null || catchAll, System.nanoTime()));
                }
            }
        };
        appender.setContext(context);
        appender.start();
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(appender);
        // The catch-all logger at DEBUG, into this recorder only (its DEBUG lines stay off the console).
        Logger catchAll = context.getLogger(CATCH_ALL_LOGGER);
        Level previous = catchAll.getLevel();
        boolean additive = catchAll.isAdditive();
        catchAll.setLevel(Level.DEBUG);
        catchAll.setAdditive(false);
        catchAll.addAppender(appender);
        restore.add(() -> {
            root.detachAppender(appender);
            catchAll.detachAppender(appender);
            catchAll.setAdditive(additive);
            catchAll.setLevel(previous);
            appender.stop();
        });
        return this;
    }

    /** @return a Netty handler to add last to every pipeline: it records and swallows what reaches it */
    public ChannelHandler pipelineTail() {
        return tail;
    }

    /** @return every problem recorded so far */
    public synchronized List<Problem> problems() {
        return new ArrayList<>(problems);
    }

    /**
     * The problems recorded since an index.
     *
     * @param from an index, such as an earlier {@code problems().size()}
     * @return the later problems
     */
    public synchronized List<Problem> since(int from) {
        return new ArrayList<>(problems.subList(Math.min(from, problems.size()), problems.size()));
    }

    /** @return how many problems were recorded */
    public synchronized int size() {
        return problems.size();
    }

    private synchronized void add(Problem problem) {
        problems.add(problem);
    }

    private void exception(String method, Throwable e) {
        add(new Problem(Source.EXCEPTION_LISTENER, "ERROR", method, chain(e), true, System.nanoTime()));
    }

    @Override
    public void onEventException(Exception e, List<Object> args, SocketIOClient client) {
        exception("onEventException", e);
    }

    @Override
    public void onDisconnectException(Exception e, SocketIOClient client) {
        exception("onDisconnectException", e);
    }

    @Override
    public void onConnectException(Exception e, SocketIOClient client) {
        exception("onConnectException", e);
    }

    @Override
    @Deprecated
    public void onPingException(Exception e, SocketIOClient client) {
        exception("onPingException", e);
    }

    @Override
    public void onPongException(Exception e, SocketIOClient client) {
        exception("onPongException", e);
    }

    @Override
    public boolean exceptionCaught(ChannelHandlerContext ctx, Throwable e) {
        exception("exceptionCaught", e);
        return false; // let netty-socketio (or the library) do what it does by default
    }

    @Override
    public void onAuthException(Throwable e, SocketIOClient client) {
        exception("onAuthException", e);
    }

    @Override
    public void close() {
        restore.forEach(Runnable::run);
        restore.clear();
    }

    private static String chain(Throwable e) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            text.append(t == e ? "" : " <- ").append(t.getClass().getName()).append(": ").append(t.getMessage());
            if (t.getCause() == t) {
                break;
            }
        }
        return text.toString();
    }

    private static String chain(IThrowableProxy proxy) {
        StringBuilder text = new StringBuilder();
        for (IThrowableProxy p = proxy; p != null; p = p.getCause()) {
            text.append(" <- ").append(p.getClassName()).append(": ").append(p.getMessage());
        }
        return text.toString();
    }

    @ChannelHandler.Sharable
    private final class Tail extends ChannelInboundHandlerAdapter {
        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // Recorded instead of Netty's own WARN line; like Netty's tail, it leaves the channel as it is.
            add(new Problem(Source.PIPELINE_TAIL, "ERROR", "pipeline tail", chain(cause), true, System.nanoTime()));
        }
    }
}
