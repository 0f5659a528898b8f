using k8s.Models;

namespace ApiProxyGateway.Sandbox.Runtime;

/// <summary>A pod's status as the kubelet reports it, from its containers' states.</summary>
internal static class PodStatusBuilder
{
    public static V1PodStatus Build(RunningPod pod, DateTimeOffset startTime, DateTimeOffset now)
    {
        var containers = pod.Containers.Values.Select(c => c.Status()).ToList();
        var allReady = containers.All(c => c.Ready);
        var phase = Phase(pod, containers);
        var time = now.UtcDateTime;
        V1PodCondition Condition(string type, bool status) => new() { Type = type, Status = status ? "True" : "False", LastTransitionTime = time };
        return new V1PodStatus
        {
            Phase = phase,
            QosClass = "BestEffort",
            HostIP = pod.Context.HostIp,
            HostIPs = [new V1HostIP { Ip = pod.Context.HostIp }],
            PodIP = pod.Context.Ip,
            PodIPs = [new V1PodIP { Ip = pod.Context.Ip }],
            StartTime = startTime.UtcDateTime,
            Conditions =
            [
                Condition("PodReadyToStartContainers", true),
                Condition("Initialized", true),
                Condition("Ready", allReady && phase == "Running"),
                Condition("ContainersReady", allReady),
                Condition("PodScheduled", true),
            ],
            ContainerStatuses = containers,
        };
    }

    private static string Phase(RunningPod pod, List<V1ContainerStatus> statuses)
    {
        if (!pod.Containers.Values.All(c => c.IsFinished))
        {
            return statuses.Any(s => s.State.Running is not null || s.RestartCount > 0 || s.State.Waiting?.Reason == "CrashLoopBackOff") ? "Running" : "Pending";
        }

        return statuses.All(s => s.State.Terminated?.ExitCode == 0) ? "Succeeded" : "Failed";
    }
}
