package io.kaged.actors.run.agent;

import io.kaged.actors.process.PipedProcess;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * A started ACP agent: its stdin and stdout are the JSON-RPC channel, handed to the run's {@link AgentLink}
 * instead of being recorded as output. {@code outputRead} is called once the channel has read the agent's
 * output to its end, so the attempt's exit is reported after the agent's last message.
 */
public record AgentPipes(long pid, OutputStream toAgent, InputStream fromAgent, Runnable outputRead)
        implements PipedProcess {}
