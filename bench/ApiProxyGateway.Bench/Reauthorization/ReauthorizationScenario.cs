using System.Globalization;
using System.Text;
using ApiProxyGateway.Bench.Hosting;

namespace ApiProxyGateway.Bench.Reauthorization;

/// <summary>
/// Scenario 6's sandbox: one node with many pods that cost next to nothing (<c>sh</c> prints one line, then
/// <c>sleep</c>), and many users in a group that a ClusterRoleBinding lets read pods and their logs. Its own scenario
/// file, so the other scenarios' sandbox starts no more processes than before.
/// </summary>
internal static class ReauthorizationScenario
{
    public const string Group = "bench-readers";

    /// <summary>What each pod's log holds: one line, printed at start.</summary>
    public const string LogLine = "ready";

    public static string User(int index) => "reader-" + index.ToString("D3", CultureInfo.InvariantCulture);

    public static string Pod(int index) => "idle-" + index.ToString("D3", CultureInfo.InvariantCulture);

    public static string Write(string directory, int users, int pods)
    {
        var yaml = new StringBuilder($"""
            apiVersion: sandbox.apiproxygateway.io/v1alpha1
            kind: SandboxConfig
            users:
            - name: admin
              groups: [system:masters]

            """);
        for (var u = 0; u < users; u++)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"- name: {User(u)}\n  groups: [{Group}]\n");
        }

        yaml.Append(CultureInfo.InvariantCulture, $"""
            nodes:
            - name: {BenchScenario.Node}
            ---
            apiVersion: v1
            kind: Namespace
            metadata:
              name: {BenchScenario.Namespace}
            ---
            apiVersion: v1
            kind: Node
            metadata:
              name: {BenchScenario.Node}
              labels:
                kubernetes.io/hostname: {BenchScenario.Node}
                kubernetes.io/os: linux
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata:
              name: bench-log-reader
            rules:
            - apiGroups: [""]
              resources: [pods, pods/log]
              verbs: [get, list]
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRoleBinding
            metadata:
              name: bench-log-readers
            roleRef:
              apiGroup: rbac.authorization.k8s.io
              kind: ClusterRole
              name: bench-log-reader
            subjects:
            - apiGroup: rbac.authorization.k8s.io
              kind: Group
              name: {Group}

            """);
        for (var p = 0; p < pods; p++)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"""
                ---
                apiVersion: v1
                kind: Pod
                metadata:
                  name: {Pod(p)}
                  namespace: {BenchScenario.Namespace}
                spec:
                  nodeName: {BenchScenario.Node}
                  containers:
                  - name: idle
                    image: bench
                    command: [sh, -c, "echo {LogLine}; exec sleep infinity"]

                """);
        }

        var path = Path.Combine(directory, "bench-scenario-reauthorization.yaml");
        File.WriteAllText(path, yaml.ToString());
        return path;
    }
}
