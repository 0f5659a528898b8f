namespace ApiProxyGateway.Tests.Support;

/// <summary>The environment every kubectl run gets: kubeconfig, discovery cache directory and extra switches.</summary>
public sealed record KubectlEnvironment(string KubeconfigPath, string CacheDirectory)
{
    /// <summary>Extra variables, e.g. KUBECTL_REMOTE_COMMAND_WEBSOCKETS=false; an empty value unsets the variable.</summary>
    public IReadOnlyDictionary<string, string> Variables { get; init; } = new Dictionary<string, string>();

    public KubectlEnvironment With(string name, string value) =>
        this with { Variables = new Dictionary<string, string>(Variables) { [name] = value } };
}
