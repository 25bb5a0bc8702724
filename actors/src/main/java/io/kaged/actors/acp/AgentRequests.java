package io.kaged.actors.acp;

/** The required params Jackson cannot enforce on records (it leaves an absent field null). */
final class AgentRequests {

    private AgentRequests() {}

    /** The first required field the request lacks, or null when it has them all. */
    static String missingField(AgentRequest request) {
        if (request.sessionId() == null) {
            return "sessionId is missing";
        }
        if (request instanceof AgentRequest.RequestPermission p) {
            if (p.toolCall() == null || p.toolCall().toolCallId() == null) {
                return "toolCall.toolCallId is missing";
            }
            return p.options() == null || p.options().isEmpty() ? "options are missing" : null;
        }
        if (request instanceof AgentRequest.ReadTextFile r) {
            return r.path() == null ? "path is missing" : null;
        }
        if (request instanceof AgentRequest.WriteTextFile w) {
            return w.path() == null ? "path is missing" : w.content() == null ? "content is missing" : null;
        }
        if (request instanceof AgentRequest.CreateTerminal c) {
            return c.command() == null ? "command is missing" : null;
        }
        if (request instanceof AgentRequest.TerminalOutput t) {
            return t.terminalId() == null ? "terminalId is missing" : null;
        }
        if (request instanceof AgentRequest.WaitForTerminalExit t) {
            return t.terminalId() == null ? "terminalId is missing" : null;
        }
        if (request instanceof AgentRequest.KillTerminal t) {
            return t.terminalId() == null ? "terminalId is missing" : null;
        }
        if (request instanceof AgentRequest.ReleaseTerminal t) {
            return t.terminalId() == null ? "terminalId is missing" : null;
        }
        return null;
    }
}
