using System.Globalization;

namespace ApiProxyGateway.Bench.Hosting;

/// <summary>
/// The benchmark's sandbox scenario: one node (SPDY kubelet, like most clusters today) with a <c>web</c> pod (HTTPS
/// with a workload-CA certificate), <c>blob</c> (the port-forward source and exec target), <c>biglog</c> (a fixed
/// multi-megabyte log) and <c>quiet</c> (a line every few seconds, for followed logs held open), and a second
/// <c>blob</c> in the namespace <see cref="RecordedNamespace"/>, which the driver's gateway records (scenario 2's
/// recorded exec). The tunnel sandboxes get <c>web</c> and <c>blob</c> only (<c>logs: false</c>): every pod is a
/// process that slows their start.
/// </summary>
internal static class BenchScenario
{
    public const string Namespace = "demo";

    /// <summary>A namespace whose exec sessions the driver's gateway records (<c>--Recording:Namespaces:recorded=All</c>).</summary>
    public const string RecordedNamespace = "recorded";

    public const string Node = "node-a";
    public const int SourcePort = 9000;

    public static string Write(string directory, string benchDll, int logLines, int logWidth, TimeSpan quietInterval, bool logs = true)
    {
        var dotnet = Environment.ProcessPath ?? "dotnet";
        string Command(params string[] argv) => "[" + string.Join(", ", argv.Select(a => "\"" + a + "\"")) + "]";

        // The port-forward source and exec target: in the demo namespace, and again in the recorded one.
        string Blob(string ns) => $"""
            ---
            apiVersion: v1
            kind: Pod
            metadata:
              name: blob
              namespace: {ns}
            spec:
              nodeName: {Node}
              containers:
              - name: blob
                image: bench
                command: {Command(dotnet, benchDll, "source", "--port", SourcePort.ToString(CultureInfo.InvariantCulture))}
                ports:
                - containerPort: {SourcePort}

            """;
        var yaml = $"""
            apiVersion: sandbox.apiproxygateway.io/v1alpha1
            kind: SandboxConfig
            users:
            - name: admin
              groups: [system:masters]
            nodes:
            - name: {Node}
            ---
            apiVersion: v1
            kind: Namespace
            metadata:
              name: {Namespace}
            ---
            apiVersion: v1
            kind: Node
            metadata:
              name: {Node}
              labels:
                kubernetes.io/hostname: {Node}
                kubernetes.io/os: linux
            ---
            apiVersion: v1
            kind: Pod
            metadata:
              name: web
              namespace: {Namespace}
              labels:
                app: web
            spec:
              nodeName: {Node}
              containers:
              - name: web
                image: sandbox.apiproxygateway.io/workload:latest
                command: [workload, web, --https-port=8443, --http-port=8080]
                ports:
                - name: https
                  containerPort: 8443

            """ + Blob(Namespace);
        var logPods = $"""
            ---
            apiVersion: v1
            kind: Pod
            metadata:
              name: biglog
              namespace: {Namespace}
            spec:
              nodeName: {Node}
              containers:
              - name: biglog
                image: bench
                command: {Command(dotnet, benchDll, "logsource", "--lines", logLines.ToString(CultureInfo.InvariantCulture), "--width", logWidth.ToString(CultureInfo.InvariantCulture))}
            ---
            apiVersion: v1
            kind: Pod
            metadata:
              name: quiet
              namespace: {Namespace}
            spec:
              nodeName: {Node}
              containers:
              - name: quiet
                image: sandbox.apiproxygateway.io/workload:latest
                command: [workload, logger, --interval={(int)quietInterval.TotalSeconds}s, --message=quiet]
            ---
            apiVersion: v1
            kind: Namespace
            metadata:
              name: {RecordedNamespace}

            """ + Blob(RecordedNamespace);
        var path = Path.Combine(directory, logs ? "bench-scenario.yaml" : "bench-scenario-streams.yaml");
        File.WriteAllText(path, logs ? yaml + logPods : yaml);
        return path;
    }
}
