package io.kaged.daemon.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** The sandbox and secret options of {@code run start} and {@code session new}, as their request fields. */
public final class ConfinementOptions {

    @Option(
            names = "--sandbox",
            description = "Run in a bubblewrap sandbox: root read-only, private /tmp, the kaged home hidden,"
                    + " the working folder writable.")
    boolean sandbox;

    @Option(names = "--no-network", description = "In the sandbox, no network (implies --sandbox).")
    boolean noNetwork;

    @Option(
            names = "--writable",
            paramLabel = "PATH",
            description = "In the sandbox, a further writable path (implies --sandbox; repeatable).")
    List<Path> writable;

    @Option(
            names = "--read-only",
            paramLabel = "PATH",
            description = "In the sandbox, a further readable path it would hide (implies --sandbox; repeatable).")
    List<Path> readOnly;

    @Option(
            names = "--unsandboxed-ok",
            description = "Where no sandbox can be set up, run without one rather than refuse (implies --sandbox).")
    boolean unsandboxedOk;

    @Option(
            names = "--memory",
            paramLabel = "SIZE",
            description = "Limit the process tree's memory, such as 512M, where the host delegates cgroups"
                    + " (implies --sandbox).")
    String memory;

    @Option(
            names = "--cpus",
            paramLabel = "N",
            description = "Limit the process tree to N CPUs, such as 0.5, where the host delegates cgroups"
                    + " (implies --sandbox).")
    Double cpus;

    @Option(
            names = "--pids",
            paramLabel = "N",
            description = "Limit the process tree to N processes and threads, where the host delegates cgroups"
                    + " (implies --sandbox).")
    Integer pids;

    @Option(
            names = "--secret",
            paramLabel = "VAR=NAME",
            description = "Environment variable VAR gets the value of secret NAME (kaged secret set; repeatable).")
    Map<String, String> secrets;

    /** Adds {@code sandbox} and {@code env} to a request body, when asked for. */
    void addTo(Map<String, Object> body) {
        Map<String, Object> limits = new LinkedHashMap<>();
        if (memory != null) {
            limits.put("memory", memory);
        }
        if (cpus != null) {
            limits.put("cpu", cpus);
        }
        if (pids != null) {
            limits.put("pids", pids);
        }
        if (sandbox || noNetwork || writable != null || readOnly != null || unsandboxedOk || !limits.isEmpty()) {
            Map<String, Object> box = new LinkedHashMap<>();
            if (noNetwork) {
                box.put("network", false);
            }
            if (writable != null) {
                box.put("writable", absolute(writable));
            }
            if (readOnly != null) {
                box.put("readOnly", absolute(readOnly));
            }
            if (unsandboxedOk) {
                box.put("required", false);
            }
            if (!limits.isEmpty()) {
                box.put("limits", limits);
            }
            body.put("sandbox", box);
        }
        if (secrets != null) {
            Map<String, Object> env = new LinkedHashMap<>();
            secrets.forEach((variable, name) -> env.put(variable, Map.of("secret", name)));
            body.put("env", env);
        }
    }

    private static List<String> absolute(List<Path> paths) {
        return paths.stream()
                .map(p -> p.toAbsolutePath().normalize().toString())
                .toList();
    }
}
