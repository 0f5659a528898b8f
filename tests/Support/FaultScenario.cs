namespace ApiProxyGateway.Tests.Support;

/// <summary>
/// A sandbox scenario with two healthy nodes (<c>legacy</c>; <c>modern</c> declares ExtendWebSocketsToKubelet) and
/// one node per kubelet fault, each running a logger pod <c>on-&lt;node&gt;</c>; users admin, getter (get pods/exec)
/// and creator (create pods/exec). Shared by the integration and end-to-end tests.
/// </summary>
public static class FaultScenario
{
    public static readonly string[] FaultNodes = ["self-signed", "expired", "unknown-ca", "wrong-san", "wrong-cn", "down", "slow", "slow-handshake", "hostname-first"];

    /// <summary>One logger pod on each fault node, named after it (in <c>demo</c>).</summary>
    private static string FaultPods() => string.Concat(FaultNodes.Select(n =>
        $"---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: on-{n}\n  namespace: demo\nspec:\n  nodeName: {n}\n  containers:\n  - name: main\n    command: [workload, logger, --interval=100ms, --message=talk]\n"));

    public static string Text()
    {
        var nodes = string.Join('\n', new[] { "legacy", "modern" }.Concat(FaultNodes).Select(n => n == "modern"
            ? $"---\napiVersion: v1\nkind: Node\nmetadata:\n  name: {n}\nstatus:\n  declaredFeatures: [ExtendWebSocketsToKubelet]"
            : $"---\napiVersion: v1\nkind: Node\nmetadata:\n  name: {n}"));
        return $"""
            apiVersion: sandbox.apiproxygateway.io/v1alpha1
            kind: SandboxConfig
            users:
            - name: admin
              groups: [system:masters]
            - name: getter
            - name: creator
            nodes:
            - name: self-signed
              servingCertificate: self-signed
            - name: expired
              servingCertificate: expired
            - name: unknown-ca
              servingCertificate: unknown-ca
            - name: wrong-san
              servingCertificate: wrong-san
            - name: wrong-cn
              servingCertificate: wrong-cn
            - name: down
              listening: false
            - name: slow
              responseDelay: 1500ms
            - name: slow-handshake
              handshakeDelay: 1500ms
            - name: hostname-first
              addressTypes: [Hostname, InternalIP]
            {nodes}
            ---
            apiVersion: v1
            kind: Namespace
            metadata:
              name: demo
            ---
            apiVersion: v1
            kind: Pod
            metadata:
              name: talker
              namespace: demo
            spec:
              nodeName: legacy
              containers:
              - name: talker
                image: sandbox.apiproxygateway.io/workload:latest
                command: [workload, logger, --interval=100ms, --message=talk]
            ---
            apiVersion: v1
            kind: Pod
            metadata:
              name: talker
              namespace: kube-system
            spec:
              nodeName: modern
              containers:
              - name: talker
                image: sandbox.apiproxygateway.io/workload:latest
                command: [workload, logger, --interval=100ms, --message=talk]
            ---
            apiVersion: v1
            kind: Pod
            metadata:
              name: server
              namespace: demo
              labels:
                app: server
            spec:
              nodeName: legacy
              containers:
              - name: server
                command: [workload, web, --http-port=8080, --https-port=8443]
                ports:
                - containerPort: 8080
                - containerPort: 8443
            ---
            apiVersion: v1
            kind: Service
            metadata:
              name: server
              namespace: demo
            spec:
              selector:
                app: server
              ports:
              - name: https
                port: 443
                targetPort: 8443
            {FaultPods()}
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: Role
            metadata:
              name: exec-get
              namespace: demo
            rules:
            - apiGroups: [""]
              resources: [pods/exec]
              verbs: [get]
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: Role
            metadata:
              name: exec-create
              namespace: demo
            rules:
            - apiGroups: [""]
              resources: [pods/exec]
              verbs: [create]
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: RoleBinding
            metadata:
              name: getter
              namespace: demo
            roleRef:
              apiGroup: rbac.authorization.k8s.io
              kind: Role
              name: exec-get
            subjects:
            - apiGroup: rbac.authorization.k8s.io
              kind: User
              name: getter
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: RoleBinding
            metadata:
              name: creator
              namespace: demo
            roleRef:
              apiGroup: rbac.authorization.k8s.io
              kind: Role
              name: exec-create
            subjects:
            - apiGroup: rbac.authorization.k8s.io
              kind: User
              name: creator
            """;
    }
}
