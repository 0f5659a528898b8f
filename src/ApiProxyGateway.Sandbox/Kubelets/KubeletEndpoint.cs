namespace ApiProxyGateway.Sandbox.Kubelets;

/// <summary>The kubelet API endpoints the simulated kubelet serves.</summary>
internal enum KubeletEndpoint
{
    NotFound,
    ContainerLogs,
    Exec,
    Attach,
    Run,
    PortForward,
    Pods,
    RunningPods,
    Healthz,
    Metrics,
    Stats,
    Configz,
}
